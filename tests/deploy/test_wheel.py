"""The wheel carries what the app needs: installed into a new virtual environment outside the
checkout, it migrates a new database and serves its pages, assets and translations.

The wheel is built by `pip wheel` from a copy of the checkout's files as a fresh clone has them
(no compiled .mo, no build/ left from an earlier build), so nothing is shipped by accident.
"""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.deploy.support import (
    CHECKOUT,
    HOST,
    REDIS_URL,
    Processes,
    free_port,
    http_client,
    production_environment,
    run,
)

pytestmark = pytest.mark.deployment
#: The folders kept at the repository's root that the installed app needs.
ASSET_FOLDERS = ("templates", "static", "migrations")


#: What a run or a build leaves in a checkout that is not a git clone.
LEFT_BEHIND = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info",
                                     "__pycache__", "*.mo", ".pytest_cache", "instance")


def _files_git_keeps() -> list[str] | None:
    """The checkout's files that git keeps or would keep (so no .mo, .venv or instance/)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=CHECKOUT, capture_output=True, check=True,
        ).stdout.decode().split("\0")
    except (OSError, subprocess.CalledProcessError):
        return None
    return [name for name in listed if name and (CHECKOUT / name).is_file()]


@pytest.fixture(scope="session")
def source(tmp_path_factory) -> Path:
    """A copy of the checkout as a fresh clone of it would be."""
    folder = tmp_path_factory.mktemp("source") / "eventreg"
    names = _files_git_keeps()
    if names is None:
        shutil.copytree(CHECKOUT, folder, ignore=LEFT_BEHIND)
        return folder
    for name in names:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(CHECKOUT / name, target)
    return folder


@pytest.fixture(scope="session")
def wheel(source, tmp_path_factory) -> Path:
    """The wheel `pip wheel --no-deps` builds from the source."""
    dist = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", dist,
         source])
    [built] = dist.glob("eventreg-*.whl")
    return built


@pytest.fixture(scope="session")
def venv(wheel, tmp_path_factory) -> Path:
    """A new virtual environment outside the checkout with the wheel and its dependencies,
    as the README's deployment installs it (with the production extra)."""
    folder = tmp_path_factory.mktemp("installed") / "venv"
    run([sys.executable, "-m", "venv", folder])
    run([folder / "bin" / "python", "-m", "pip", "install", "--quiet",
         f"eventreg[production] @ {wheel.as_uri()}"])
    return folder


def test_wheel_carries_every_module_template_static_file_migration_and_catalogue(source, wheel):
    expected = {f"eventreg/{path.relative_to(source / 'eventreg')}"
                for path in (source / "eventreg").rglob("*.py")}
    for folder in ASSET_FOLDERS:
        expected |= {f"eventreg/{path.relative_to(source)}"
                     for path in (source / folder).rglob("*") if path.is_file()}
    expected |= {f"eventreg/{path.relative_to(source / 'eventreg').with_suffix('.mo')}"
                 for path in (source / "eventreg" / "translations").glob("*/LC_MESSAGES/*.po")}
    assert any(name.endswith("static/vendor/jsqr/jsQR.js") for name in expected)
    assert any(name.endswith("bg/LC_MESSAGES/messages.mo") for name in expected)
    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())
    assert sorted(expected - shipped) == []


def test_installed_package_keeps_its_state_outside_site_packages(venv, tmp_path):
    """Without EVENTREG_INSTANCE_PATH, the instance folder is sys.prefix/var/eventreg-instance."""
    answer = run(
        [venv / "bin" / "python", "-c",
         "import eventreg; app = eventreg.create_app(); "
         "print(eventreg.__file__); print(app.template_folder); print(app.instance_path)"],
        cwd=tmp_path, env=production_environment(PUBLIC_BASE_URL="https://events.example.org"),
    ).stdout.splitlines()
    package, templates, instance = (Path(line) for line in answer[-3:])
    site_packages = next((venv / "lib").glob("python3*/site-packages"))
    assert package.parent == site_packages / "eventreg"
    assert templates == site_packages / "eventreg" / "templates"
    assert instance == venv / "var" / "eventreg-instance"


def test_installed_wheel_migrates_a_new_database_and_serves_pages_assets_and_translations(
    source, venv, tmp_path
):
    workdir = tmp_path / "elsewhere"  # nothing of the checkout is found from here
    workdir.mkdir()
    instance = tmp_path / "instance"
    port = free_port()
    environment = production_environment(
        EVENTREG_INSTANCE_PATH=str(instance), PUBLIC_BASE_URL=f"http://{HOST}:{port}",
        RATELIMIT_STORAGE_URI=REDIS_URL)  # needs the production extra
    run([venv / "bin" / "flask", "--app", "eventreg", "db", "upgrade"], cwd=workdir,
        env=environment)
    assert (instance / "eventreg.sqlite3").is_file()

    processes = Processes(tmp_path)
    try:
        # As the README says: the installed app, with the checkout's gunicorn settings.
        server = processes.start("gunicorn", [
            venv / "bin" / "gunicorn", "--config", source / "deploy" / "gunicorn.conf.py",
            "--workers", "1", "--bind", f"{HOST}:{port}"], cwd=workdir, env=environment)
        base = f"http://{HOST}:{port}"
        client = http_client()
        processes.wait_until_answers(server, f"{base}/healthz")

        home = client.get(f"{base}/", timeout=10)
        assert home.status_code == 200
        assert '<html lang="en">' in home.text and "Events you can register for" in home.text
        for asset in ("js/door/scanner.js", "vendor/jsqr/jsQR.js", "css/app.css"):
            answer = client.get(f"{base}/static/{asset}", timeout=10)
            assert answer.status_code == 200, asset
            assert answer.content == (CHECKOUT / "static" / asset).read_bytes(), asset
        bulgarian = client.get(f"{base}/", headers={"Accept-Language": "bg"}, timeout=10)
        assert '<html lang="bg">' in bulgarian.text
        assert "Към основното съдържание" in bulgarian.text  # "Skip to content", from the .mo
    finally:
        processes.stop_all()


def test_a_checkout_finds_its_assets_beside_the_package_and_keeps_its_state_in_instance():
    from eventreg import config

    assert not config.INSTALLED_FROM_WHEEL
    assert config.ASSETS_ROOT == CHECKOUT
    assert config.DEFAULT_INSTANCE_PATH == CHECKOUT / "instance"
