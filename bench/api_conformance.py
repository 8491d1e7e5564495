"""API conformance: schemathesis with every check over the whole API, more than the suite runs.

The suite's tests/api/test_conformance.py runs one fixed seed with few examples on each
database; this runs as many examples and seeds as you like, on a fresh SQLite file or on a
scratch PostgreSQL database, with the same harness (tests/api/conformance.py: seeded data
of two organisations, the organiser's and a door's token, every phase and check).

What it does, for each seed in turn:

1. makes a fresh database - a temporary SQLite file, or the PostgreSQL one in `--database-url`
   (`DROP SCHEMA public CASCADE`: point it only at a scratch database) - migrates it and
   seeds it (`seed_data`);
2. serves the app on a free 127.0.0.1 port in 19000-19999 and runs schemathesis' engine on
   it (`run_conformance`), with `--examples` examples per operation and phase;
3. prints each failure (operation | check | title | status, the message, the request), the
   checks made and failed, and the answers per operation and status.

Run it from the project folder with the project's virtualenv:

    .venv/bin/python bench/api_conformance.py
    .venv/bin/python bench/api_conformance.py --examples 200 --seeds 1 2 3
    .venv/bin/python bench/api_conformance.py --database-url \
        postgresql+psycopg://postgres@127.0.0.1:5432/eventreg_bench --examples 100

Options: --examples N per operation and phase (100), --seeds S [S ...] (20260620, the
suite's), --phases examples coverage fuzzing stateful (all), --database-url URL (a
temporary SQLite file). Exit status 1 when any check failed or the engine reported an
error.
"""

import argparse
import logging
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("EVENTREG_INSTANCE_PATH", tempfile.mkdtemp(prefix="eventreg-bench-"))

from sqlalchemy import create_engine  # noqa: E402

from eventreg import create_app  # noqa: E402
from eventreg.extensions import db  # noqa: E402
from tests.api.conformance import run_conformance, seed_data  # noqa: E402
from tests.api.test_conformance import SEED  # noqa: E402

PHASES = ("examples", "coverage", "fuzzing", "stateful")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--seeds", type=int, nargs="+", default=[SEED])
    parser.add_argument("--phases", nargs="+", choices=PHASES, default=list(PHASES))
    parser.add_argument("--database-url")
    options = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    failed = False
    for seed in options.seeds:
        with tempfile.TemporaryDirectory(prefix="eventreg-conformance-") as folder:
            url = options.database_url or f"sqlite:///{folder}/conformance.sqlite3"
            report = run_once(url, folder, seed=seed, examples=options.examples,
                              phases=tuple(options.phases))
        print(f"== seed {seed}, {options.examples} examples, "
              f"{'PostgreSQL' if url.startswith('postgresql') else 'SQLite'}")
        for finding in report.findings:
            print(finding)
        for error in report.errors:
            print("ERROR", error)
        print(report.summary())
        print("checks made: " + ", ".join(f"{name} {count}"
                                          for name, count in report.checks.most_common()))
        answers = defaultdict(dict)
        for (operation, status), count in sorted(report.statuses.items()):
            answers[operation][status] = count
        for operation, statuses in answers.items():
            print(f"  {operation}: " + ", ".join(f"{s} x{n}" for s, n in statuses.items()))
        failed = failed or bool(report.findings or report.errors)
    return 1 if failed else 0


def run_once(url: str, folder: str, *, seed: int, examples: int, phases: tuple[str, ...]):
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
        engine.dispose()
    app = create_app({
        "EVENTREG_ENV": "testing", "TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
        "MAIL_OUTBOX_PATH": f"{folder}/outbox", "SERVER_NAME": "eventreg.test",
    })
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        seeded = seed_data(db.session)
        report = run_conformance(app, seeded, examples=examples, seed=seed, phases=phases)
        db.session.remove()
        db.engine.dispose()
    return report


if __name__ == "__main__":
    sys.exit(main())
