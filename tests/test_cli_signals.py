"""A stop signal ends the CLI's long commands however deep in the driver it lands."""

from __future__ import annotations

import gc
import signal
import sys

import pytest

from graph_service.cli import _Stopped, _stopped_by_signals


class _SignalsWhenCollected:
    """Stands in for the driver's workspace: its finalizer is where SIGTERM arrived."""

    def __del__(self) -> None:
        signal.raise_signal(signal.SIGTERM)


def test_a_sigterm_inside_a_finalizer_still_stops_the_block_without_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = signal.getsignal(signal.SIGTERM), sys.unraisablehook
    reached_the_end = False
    with pytest.raises(_Stopped) as stopped, _stopped_by_signals():
        _SignalsWhenCollected()  # dropped at once: the finalizer runs here
        gc.collect()
        reached_the_end = True
    assert reached_the_end, "the finalizer swallowed the stop: the block never got here"
    assert stopped.value.signum == signal.SIGTERM
    assert stopped.value.name == "SIGTERM"
    assert "Exception ignored" not in capsys.readouterr().err
    assert (signal.getsignal(signal.SIGTERM), sys.unraisablehook) == before


def test_an_error_in_another_finalizer_still_reaches_the_hook_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Broken:
        def __del__(self) -> None:
            raise ValueError("a finalizer's own fault")

    seen: list[BaseException | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda info: seen.append(info.exc_value))
    with _stopped_by_signals():
        Broken()
        gc.collect()
    assert [type(each) for each in seen] == [ValueError]
    assert str(seen[0]) == "a finalizer's own fault"
