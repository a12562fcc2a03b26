import os
import subprocess
import sys


def run_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ZEROCROP_")}
    clean.update(env)
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='zerocrop.config.settings'; "
        "django.setup(); from django.conf import settings; print(settings.DEBUG)"
    )
    return subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True)


def test_no_secret_key_outside_the_demo(tmp_path) -> None:
    result = run_settings({"ZEROCROP_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "ZEROCROP_SECRET_KEY" in result.stderr


def test_demo_writes_its_own_secret_and_debug_is_off(tmp_path) -> None:
    result = run_settings({"ZEROCROP_DATA_DIR": str(tmp_path), "ZEROCROP_DEMO": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_no_audit_key_outside_the_demo(tmp_path) -> None:
    result = run_settings({"ZEROCROP_DATA_DIR": str(tmp_path), "ZEROCROP_SECRET_KEY": "s" * 60})
    assert result.returncode != 0
    assert "未设置 ZEROCROP_AUDIT_KEY" in result.stderr


def test_demo_writes_its_own_audit_key_beside_the_secret(tmp_path) -> None:
    result = run_settings({"ZEROCROP_DATA_DIR": str(tmp_path), "ZEROCROP_DEMO": "1"})
    assert result.returncode == 0, result.stderr
    key = (tmp_path / "audit_key").read_text()
    assert len(key) >= 50 and key != (tmp_path / "secret_key").read_text()
    assert oct((tmp_path / "audit_key").stat().st_mode & 0o777) == "0o600"


def test_a_key_written_by_the_demo_is_reused_outside_it(tmp_path) -> None:
    (tmp_path / "secret_key").write_text("k" * 60)
    (tmp_path / "audit_key").write_text("a" * 60)
    result = run_settings({"ZEROCROP_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
