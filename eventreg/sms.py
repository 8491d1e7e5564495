"""Sending text messages: one interface, two backends chosen by SMS_BACKEND.

`outbox` (the default) writes each text as a `.sms.txt` file to SMS_OUTBOX_PATH (the mail
outbox folder unless set), named by its outbox row like mail's .eml files, so a trial
install texts no one and the files go with the person's data (eventreg/privacy/). `smpp`
sends through the SMPP server of an SMS centre or aggregator (the protocol Bulgarian
operators and aggregators offer) with smpplib: it binds as a transmitter with
SMPP_SYSTEM_ID and SMPP_PASSWORD, submits the text in the segments
eventreg/messages/segments.py counted (GSM-7 or UCS-2, concatenated with a UDH header when
long), and unbinds. Every answer is awaited at most SMPP_TIMEOUT seconds; a refusal, a
server that is down or does not answer raises SmsNotSent, and the outbox retries.
"""

import random
import time
import uuid
from pathlib import Path

import smpplib.client
import smpplib.consts
import smpplib.exceptions
import smpplib.smpp
from flask import current_app

from eventreg.messages.segments import GSM7, encode_gsm7, encoding_of, split_parts

#: SMPP data_coding values.
DATA_CODING = {GSM7: 0x00, "ucs2": 0x08}


class SmsNotSent(Exception):
    """The text message did not go out (the server refused it, is down, or was silent)."""


def send_text(to: str, text: str, *, outbox_id: int | None = None) -> int:
    """Deliver a text to a phone in E.164 form through the configured backend; return the
    segments it was sent in. Raises on failure."""
    backend = current_app.config["SMS_BACKEND"]
    if backend == "outbox":
        _write_outbox(to, text, outbox_id)
    elif backend == "smpp":
        _send_smpp(to, text)
    else:
        raise RuntimeError(f"unknown SMS_BACKEND {backend!r}: use 'outbox' or 'smpp'")
    return len(split_parts(text))


def _write_outbox(to: str, text: str, outbox_id: int | None) -> Path:
    folder = Path(current_app.config["SMS_OUTBOX_PATH"])
    folder.mkdir(parents=True, exist_ok=True)
    prefix = f"{outbox_id}-" if outbox_id is not None else ""
    path = folder / f"{prefix}{uuid.uuid4().hex}.sms.txt"
    parts = split_parts(text)
    path.write_text(f"To: {to}\nSegments: {len(parts)} ({encoding_of(text)})\n\n{text}\n",
                    encoding="utf-8")
    return path


def sms_outbox_files(outbox_ids: list[int]) -> list[Path]:
    """The .sms.txt files the `outbox` backend wrote for these outbox rows."""
    folder = Path(current_app.config["SMS_OUTBOX_PATH"])
    return [path for outbox_id in outbox_ids for path in folder.glob(f"{outbox_id}-*.sms.txt")]


def _source_address(sender: str) -> dict:
    digits = sender.lstrip("+")
    if digits.isdigit():
        return {"source_addr_ton": smpplib.consts.SMPP_TON_INTL,
                "source_addr_npi": smpplib.consts.SMPP_NPI_ISDN, "source_addr": digits}
    return {"source_addr_ton": smpplib.consts.SMPP_TON_ALNUM,
            "source_addr_npi": smpplib.consts.SMPP_NPI_UNK, "source_addr": sender[:11]}


def _pdus(text: str) -> list[dict]:
    """The submit_sm fields of each segment."""
    encoding = encoding_of(text)
    parts = split_parts(text)
    encode = encode_gsm7 if encoding == GSM7 else (lambda part: part.encode("utf-16-be"))
    reference = random.randint(0, 255)
    pdus = []
    for number, part in enumerate(parts, start=1):
        data, esm_class = encode(part), smpplib.consts.SMPP_MSGTYPE_DEFAULT
        if len(parts) > 1:
            data = bytes((0x05, 0x00, 0x03, reference, len(parts), number)) + data
            esm_class = smpplib.consts.SMPP_GSMFEAT_UDHI
        pdus.append({"short_message": data, "data_coding": DATA_CODING[encoding],
                     "esm_class": esm_class})
    return pdus


def _send_smpp(to: str, text: str) -> None:
    config = current_app.config
    timeout = config["SMPP_TIMEOUT"]
    client = smpplib.client.Client(config["SMPP_HOST"], config["SMPP_PORT"],
                                   timeout=timeout, allow_unknown_opt_params=True)
    started = time.monotonic()
    try:
        client.connect()
        client.bind_transmitter(system_id=config["SMPP_SYSTEM_ID"],
                                password=config["SMPP_PASSWORD"],
                                system_type=config["SMPP_SYSTEM_TYPE"])
        for fields in _pdus(text):
            client.send_message(
                **_source_address(config["SMS_FROM"]),
                dest_addr_ton=smpplib.consts.SMPP_TON_INTL,
                dest_addr_npi=smpplib.consts.SMPP_NPI_ISDN,
                destination_addr=to.lstrip("+"), registered_delivery=False, **fields)
            _await_submit_answer(client)
        client.unbind()
    except TimeoutError:
        raise SmsNotSent(f"the SMS server {config['SMPP_HOST']}:{config['SMPP_PORT']} did "
                         f"not answer within {timeout:g} s") from None
    except smpplib.exceptions.ConnectionError:
        if time.monotonic() - started >= timeout:  # smpplib says so of a silent bind too
            raise SmsNotSent(f"the SMS server {config['SMPP_HOST']}:{config['SMPP_PORT']} "
                             f"did not answer within {timeout:g} s") from None
        raise SmsNotSent(f"the SMS server {config['SMPP_HOST']}:{config['SMPP_PORT']} "
                         "could not be reached or closed the connection") from None
    except smpplib.exceptions.PDUError as error:
        raise SmsNotSent(f"the SMS server refused: {error.args[0]}") from None
    finally:
        client.disconnect()


def _await_submit_answer(client: smpplib.client.Client) -> None:
    while True:
        pdu = client.read_pdu()
        if pdu.command == "enquire_link":
            client.send_pdu(smpplib.smpp.make_pdu("enquire_link_resp", client=client,
                                                  sequence=pdu.sequence))
            continue
        if pdu.is_error():
            raise SmsNotSent("the SMS server refused the message: "
                             f"({pdu.status}) " + smpplib.consts.DESCRIPTIONS.get(
                                 pdu.status, "unknown status"))
        if pdu.command == "submit_sm_resp":
            return
