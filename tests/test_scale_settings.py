import pytest

from smp_studio.core import Scale, SettingsError
from smp_studio.core.model.settings import Settings


def test_calibration_from_two_points():
    s = Scale.from_calibration((10, 10), (10, 310), 30.0)
    assert s.px_per_mm == pytest.approx(10.0)
    assert s.source == "calibrated"
    assert s.px_area_to_cm2(100 * 100) == pytest.approx(1.0)


@pytest.mark.parametrize("args", [((0, 0), (0, 1), 10), ((0, 0), (100, 0), 0), ((0, 0), (100, 0), -3)])
def test_bad_calibration_is_refused(args):
    with pytest.raises(SettingsError):
        Scale.from_calibration(*args)


def test_settings_round_trip_keeps_unknown_keys():
    d = Settings(density_per_cm2=150, hair_color="#302520").to_dict()
    d["future_option"] = {"x": 1}
    s = Settings.from_dict(d)
    assert s.density_per_cm2 == 150
    assert s.to_dict()["future_option"] == {"x": 1}


@pytest.mark.parametrize(
    "kw,msg",
    [
        ({"treatment": "tattoo"}, "treatment"),
        ({"dot_size_mm": 3.0}, "dot_size_mm"),
        ({"session": 4, "sessions": 3}, "session 4"),
        ({"hair_color": "brown"}, "#rrggbb"),
        ({"density_per_cm2": "many"}, "number"),
    ],
)
def test_settings_out_of_range_say_what(kw, msg):
    with pytest.raises(SettingsError, match=msg):
        Settings(**kw)


def test_session_plan_goes_denser_darker_lower():
    s = [Settings(session=k) for k in (1, 2, 3)]
    assert s[0].session_fraction < s[1].session_fraction < s[2].session_fraction
    assert s[0].session_darkness_factor < s[2].session_darkness_factor
    assert s[0].hairline_offset_mm > s[1].hairline_offset_mm > s[2].hairline_offset_mm == 0
