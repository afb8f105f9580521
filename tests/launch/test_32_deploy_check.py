"""Launch test 32: Django's deploy checks pass with production settings, nothing silenced that
could be fixed."""

from tests.launch.production import PROD, production_settings, run_manage


def test_deploy_check_with_production_settings_exits_0_at_warning_level():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PROD)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_only_the_hsts_preload_promise_is_silenced():
    # W021 asks for SECURE_HSTS_PRELOAD, a promise to the browsers' preload list that the
    # owner makes (SECURE_HSTS_PRELOAD=1), not a setting a deploy can fix by itself.
    assert production_settings(["SILENCED_SYSTEM_CHECKS"]) == {
        "SILENCED_SYSTEM_CHECKS": ["security.W021"]
    }
    with_preload = production_settings(
        ["SILENCED_SYSTEM_CHECKS"], env={**PROD, "SECURE_HSTS_PRELOAD": "1"}
    )
    assert with_preload == {"SILENCED_SYSTEM_CHECKS": []}


def test_deploy_check_with_preload_promised_passes_too():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**PROD, "SECURE_HSTS_PRELOAD": "1"}
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_framing_allowed_again_fails_the_deploy_check():
    # The check is not a formality: what X_FRAME_OPTIONS=SAMEORIGIN used to hide shows again.
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        "--settings",
        "tests.launch.sameorigin_settings",
        env=PROD,
    )

    assert result.returncode != 0
    assert "security.W019" in result.stdout + result.stderr
