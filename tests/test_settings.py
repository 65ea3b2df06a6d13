"""Settings: documented defaults, FIELDNOTES_* overrides, clear errors for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldnotes.errors import ConfigError
from fieldnotes.settings import Settings


def test_environment_overrides_defaults_and_options_override_the_environment():
    env = {"FIELDNOTES_RRF_K": "30", "FIELDNOTES_HYBRID_WEIGHT_DENSE": "0.7",
           "FIELDNOTES_HOME": "/data/บันทึก", "FIELDNOTES_MODEL": ""}
    s = Settings.from_env(env)
    assert (s.rrf_k, s.hybrid_weight_dense, s.home, s.model) == (30, 0.7, Path("/data/บันทึก"), "e5-small")
    assert Settings.from_env(env, rrf_k=10, model=None).rrf_k == 10


@pytest.mark.parametrize("raw, want", [("0", False), ("off", False), ("No", False),
                                       ("1", True), ("true", True), (" YES ", True)])
def test_yes_no_settings_read_the_usual_spellings(raw, want):
    assert Settings.from_env({"FIELDNOTES_QUERY_EXPANSION": raw}).query_expansion is want
    assert Settings.from_env({}).query_expansion is True


@pytest.mark.parametrize("name, raw", [("QUERY_EXPANSION", "maybe"), ("RRF_K", "sixty"),
                                       ("HYBRID_WEIGHT_DENSE", "ครึ่ง")])
def test_a_bad_value_names_the_variable(name, raw):
    with pytest.raises(ConfigError, match=f"FIELDNOTES_{name}"):
        Settings.from_env({f"FIELDNOTES_{name}": raw})


def test_unknown_option_is_an_error():
    with pytest.raises(ConfigError, match="unknown setting 'colour'"):
        Settings.from_env({}, colour="red")


def test_values_out_of_range_are_refused_with_the_limit():
    with pytest.raises(ConfigError, match="batch_chunks must be at least 1, got 0"):
        Settings.from_env({"FIELDNOTES_BATCH_CHUNKS": "0"})
    assert Settings.from_env({"FIELDNOTES_BATCH_CHUNKS": "12"}).batch_chunks == 12
