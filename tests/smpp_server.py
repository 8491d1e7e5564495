"""A small SMPP server for tests, speaking bind_transmitter, submit_sm, enquire_link and
unbind with smpplib's own PDU classes, in one of three moods: `deliver` (answers OK and
records every submit_sm), `refuse` (answers submit_sm with an error status) and `silent`
(accepts connections and never answers). Started and stopped by the test that uses it."""

import contextlib
import socket
import struct
import threading
from dataclasses import dataclass

import smpplib.consts
import smpplib.smpp

from eventreg.messages.segments import decode_gsm7
from tests.servers import free_port


@dataclass
class Submitted:
    """One submit_sm as the server read it."""

    destination: str
    source: str
    data_coding: int
    esm_class: int
    short_message: bytes

    @property
    def udh(self) -> bytes:
        if self.esm_class & smpplib.consts.SMPP_GSMFEAT_UDHI:
            return self.short_message[:self.short_message[0] + 1]
        return b""

    @property
    def text(self) -> str:
        body = self.short_message[len(self.udh):]
        return body.decode("utf-16-be") if self.data_coding == 8 else decode_gsm7(body)


class _Sequences:
    """What smpplib's PDU classes ask of a client; answers carry the request's sequence."""

    sequence = 0

    def next_sequence(self):
        return 0


class SmppServer:
    def __init__(self, mood: str = "deliver",
                 refuse_status: int = smpplib.consts.SMPP_ESME_RSYSERR):
        self.mood = mood
        self.refuse_status = refuse_status
        self.port = free_port()
        self.submitted: list[Submitted] = []
        self.binds: list[tuple[str, str]] = []
        self.connections: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._threads: list[threading.Thread] = []
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    def texts(self) -> list[str]:
        """The texts received, the parts of each concatenated text joined (a client sends
        one text's parts one after the other)."""
        whole, current = [], []
        for part in self.submitted:
            if not part.udh:
                whole.append(part.text)
                continue
            current.append(part.text)
            if part.udh[5] == part.udh[4]:  # its number is its total: the last part
                whole.append("".join(current))
                current = []
        return whole

    def _accept(self):
        while True:
            try:
                connection, _address = self._listener.accept()
            except OSError:
                return
            self.connections.append(connection)
            if self.mood == "silent":
                continue
            thread = threading.Thread(target=self._serve, args=(connection,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _read_pdu(self, connection):
        head = self._recv(connection, 4)
        if head is None:
            return None
        (length,) = struct.unpack(">L", head)
        rest = self._recv(connection, length - 4)
        return None if rest is None else smpplib.smpp.parse_pdu(head + rest, client=_Sequences())

    @staticmethod
    def _recv(connection, size):
        data = b""
        while len(data) < size:
            try:
                chunk = connection.recv(size - len(data))
            except OSError:
                return None
            if not chunk:
                return None
            data += chunk
        return data

    def _answer(self, connection, command, request, **fields):
        pdu = smpplib.smpp.make_pdu(command, client=_Sequences(), sequence=request.sequence,
                                   **fields)
        connection.sendall(pdu.generate())

    def _serve(self, connection):
        while True:
            request = self._read_pdu(connection)
            if request is None:
                return
            if request.command == "bind_transmitter":
                self.binds.append((request.system_id.decode(), request.password.decode()))
                self._answer(connection, "bind_transmitter_resp", request, system_id="test")
            elif request.command == "submit_sm":
                if self.mood == "refuse":
                    self._answer(connection, "submit_sm_resp", request, message_id="",
                                 status=self.refuse_status)
                    continue
                self.submitted.append(Submitted(
                    destination=request.destination_addr.decode(),
                    source=request.source_addr.decode(), data_coding=request.data_coding,
                    esm_class=request.esm_class, short_message=request.short_message))
                self._answer(connection, "submit_sm_resp", request,
                             message_id=str(len(self.submitted)))
            elif request.command == "enquire_link":
                self._answer(connection, "enquire_link_resp", request)
            elif request.command == "unbind":
                self._answer(connection, "unbind_resp", request)
                return

    def close(self):
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
        self._listener.close()
        for connection in self.connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()
        self._accepting.join(timeout=5)
        for thread in self._threads:
            thread.join(timeout=5)
