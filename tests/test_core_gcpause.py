"""The collector is paused for bulk work and resumed for sources, and always left as it was."""

from __future__ import annotations

import gc

import pytest

from danvan_sheets.core.gcpause import gc_paused, gc_resumed


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


def test_pause_nests_and_resume_inside_a_pause(collector_on):
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause leaves it to the outer one
        with gc_resumed():
            assert gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with gc_resumed():
        assert gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_restores_the_collector(collector_on):
    with pytest.raises(ZeroDivisionError):
        with gc_paused():
            raise ZeroDivisionError
    assert gc.isenabled()
    with gc_paused():
        with pytest.raises(ZeroDivisionError):
            with gc_resumed():
                raise ZeroDivisionError
        assert not gc.isenabled()
