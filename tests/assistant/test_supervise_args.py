"""The engine's API token reaches `rasa run` intact, whatever characters it starts with.

`secrets.token_urlsafe` can start a token with "-" (about one run in 64); passed as a
separate argument, argparse then reads it as an option and the engine will not start."""

from __future__ import annotations

import argparse

import pytest

from scripts.supervise import Stack


def _rasa_like_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(exit_on_error=False)
    p.add_argument("-t", "--auth-token")
    p.add_argument("--enable-api", action="store_true")
    return p


@pytest.mark.parametrize("token", ["-starts-with-a-dash", "--double", "plain_token-1"])
def test_engine_token_is_passed_so_argparse_keeps_it(token):
    stack = Stack(extra_env={"ENGINE_API_TOKEN": token}, echo=False)
    engine = next(c for c in stack.components if c.name == "engine")
    flags = [a for a in engine.argv if a.startswith("--auth-token")]
    assert flags == [f"--auth-token={token}"]
    args, _ = _rasa_like_parser().parse_known_args(["--enable-api", *flags])
    assert args.auth_token == token


def test_the_two_argument_form_would_lose_a_dash_token():
    # the failure this guards against, shown with the same parser
    with pytest.raises((argparse.ArgumentError, SystemExit)):
        _rasa_like_parser().parse_args(["--auth-token", "-starts-with-a-dash"])
