"""Settings: defaults, casting, .env, and refusal of placeholder secrets in production."""

from __future__ import annotations

from pathlib import Path

import pytest

from mes_dashboard.config import ConfigError, Settings, load_settings


def test_defaults_need_no_environment() -> None:
    s = load_settings({}, env_file=None)
    assert s == Settings()
    assert s.source == "demo" and s.port == 8080 and s.plant_tz == "Asia/Taipei"
    assert len(s.non_quality_hold_reasons) == 11


def test_values_are_cast_and_env_overrides_dotenv(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("MES_PORT=9000\nMES_WORKERS=3\nMES_DEMO_SIMULATE=false\n")
    s = load_settings({"MES_WORKERS": "5", "MES_EXCLUDED_LOCATIONS": "A, B ,"}, env_file)
    assert (s.port, s.workers, s.demo_simulate) == (9000, 5, False)
    assert s.excluded_locations == ("A", "B")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MES_PORT": "eighty"}, "MES_PORT"),
        ({"MES_DEMO_SIMULATE": "perhaps"}, "MES_DEMO_SIMULATE"),
        ({"MES_ENV": "staging"}, "MES_ENV"),
        ({"MES_PLANT_TZ": "Mars/Olympus"}, "MES_PLANT_TZ"),
        ({"MES_SOURCE": "oracle"}, "ORACLE_DSN"),
        ({"ORACLE_POOL_MIN": "5", "ORACLE_POOL_MAX": "2"}, "ORACLE_POOL_MIN"),
        ({"MES_WORKERS": "0"}, "MES_WORKERS"),
    ],
)
def test_bad_values_fail_loudly_naming_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(env, env_file=None)


@pytest.mark.parametrize("secret", [None, "", "change-me", "dev-only-not-secret"])
def test_production_refuses_a_missing_or_placeholder_secret(secret: str | None) -> None:
    env = {"MES_ENV": "production"} | ({} if secret is None else {"MES_SECRET_KEY": secret})
    with pytest.raises(ConfigError, match="MES_SECRET_KEY"):
        load_settings(env, env_file=None)


def test_production_with_real_secrets_starts_and_masks_them() -> None:
    s = load_settings(
        {"MES_ENV": "production", "MES_SECRET_KEY": "k" * 32, "REDIS_URL": "redis://u:pw@h:6379/0"},
        env_file=None,
    )
    public = s.public()
    assert public["secret_key"] == "***"
    assert "pw" not in public["redis_url"]


def test_oracle_production_needs_a_real_password() -> None:
    env = {
        "MES_ENV": "production",
        "MES_SECRET_KEY": "k" * 32,
        "MES_SOURCE": "oracle",
        "ORACLE_DSN": "db:1521/DWH",
        "ORACLE_USER": "mes",
        "ORACLE_PASSWORD": "password",
    }
    with pytest.raises(ConfigError, match="ORACLE_PASSWORD"):
        load_settings(env, env_file=None)


def test_every_setting_is_documented_in_readme_and_env_example() -> None:
    from dataclasses import fields

    from mes_dashboard.config import _env_name

    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    example = (root / ".env.example").read_text(encoding="utf-8")
    for f in fields(Settings):
        name = _env_name(f.name)
        assert f"`{name}`" in readme, name
        assert f"\n{name}=" in example, name
