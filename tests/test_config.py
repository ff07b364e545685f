"""Settings that stay: the TOML config file, its precedence, `catalog-tui config`, and the theme the app saves."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import pytest
from tui_helpers import ready, settle

from catalog_tui.app import CatalogApp, UnknownTheme
from catalog_tui.cli import main
from catalog_tui.core.config import (
    ConfigError,
    Settings,
    choose,
    config_path,
    load_settings,
    save_setting,
    to_toml,
)


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config" / "config.toml"
    monkeypatch.setenv("CATALOG_TUI_CONFIG", str(path))
    return path


def test_the_file_lives_in_the_platform_config_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    assert config_path() == Path(os.environ["XDG_CONFIG_HOME"]) / "catalog-tui" / "config.toml"


def test_no_file_means_no_settings(config: Path) -> None:
    assert load_settings() == Settings()


def test_every_key_is_read(config: Path) -> None:
    config.parent.mkdir()
    config.write_text(
        'theme = "nord"\nlanguage = "en"\nsort = "year"\nenglish_titles = true\nstore = "~/s.json"\n',
        encoding="utf-8",
    )
    assert load_settings() == Settings("nord", "en", "year", True, "~/s.json")


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("theme = ", "not valid TOML"),
        ('colour = "red"\n', "unknown key 'colour'"),
        ('sort = "rating"\n', "sort must be one of title, year, type"),
        ('english_titles = "yes"\n', "english_titles must be a true/false"),
        ("language = 1\n", "language must be a string"),
    ],
)
def test_a_bad_file_is_one_clear_error_naming_it(config: Path, text: str, complaint: str, capsys) -> None:
    config.parent.mkdir()
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=complaint):
        load_settings()
    assert main(["--lang", "en", "search", "x"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("catalog-tui: config error: ") and str(config) in err and complaint in err
    assert "Traceback" not in err


def test_saving_keeps_the_other_keys_and_escapes_strings(config: Path) -> None:
    save_setting("sort", "type")
    tricky = 'C:\\Users\\"me"\n\t\x7f存储.json'
    save_setting("store", tricky)
    save_setting("english_titles", True)
    assert tomllib.loads(config.read_text(encoding="utf-8")) == {
        "sort": "type", "store": tricky, "english_titles": True,
    }  # fmt: skip
    assert load_settings() == Settings(sort="type", english_titles=True, store=tricky)
    with pytest.raises(ConfigError):
        save_setting("sort", "rating")
    assert to_toml({"theme": None, "sort": "year"}) == 'sort = "year"\n'


def test_saving_is_atomic_and_leaves_no_temporary_file(config: Path) -> None:
    save_setting("theme", "nord")
    assert [p.name for p in config.parent.iterdir()] == ["config.toml"]


def test_precedence_option_then_environment_then_file_then_default() -> None:
    assert choose("a", "b", "c", default="d") == "a"
    assert choose(None, "b", "c", default="d") == "b"
    assert choose(None, "", "c", default="d") == "c"  # an empty variable counts as unset
    assert choose(None, None, None, default="d") == "d"
    assert choose(None, None, False, default=True) is False


def test_the_config_command_shows_the_path_and_where_each_value_comes_from(
    config: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    assert main(["config", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:2] == [
        f"config file: {config}",
        "(not created yet; the values below are the defaults)",
    ]
    save_setting("sort", "year")
    save_setting("theme", "nord")
    monkeypatch.setenv("CATALOG_TUI_THEME", "dracula")
    assert main(["config", "--lang", "en", "--db", "/x/s.json"]) == 0
    lines = {line.split(" = ")[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert lines["theme"].startswith('theme = "dracula"') and "CATALOG_TUI_THEME" in lines["theme"]
    assert lines["sort"].startswith('sort = "year"') and lines["sort"].endswith("# config file")
    assert lines["language"].endswith("# command-line option")
    assert lines["english_titles"].startswith("english_titles = false") and lines["english_titles"].endswith(
        "# default"
    )
    assert lines["store"].startswith('store = "/x/s.json"')


def test_a_broken_file_still_shows_its_path(config: Path, capsys) -> None:
    config.parent.mkdir()
    config.write_text("sort = [", encoding="utf-8")
    assert main(["config", "--lang", "en"]) == 2
    out, err = capsys.readouterr()
    assert out == f"config file: {config}\n" and "not valid TOML" in err


def test_the_config_file_sets_the_default_sort_and_store_for_the_cli(
    config: Path, tmp_path: Path, catalog_file: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.delenv("CATALOG_TUI_DB")
    store = tmp_path / "from-config" / "store.json"
    save_setting("store", str(store))
    save_setting("sort", "year")
    assert main(["search", "", "--format", "json", "--catalog", str(catalog_file)]) == 0
    by_year = [w.get("year") for w in json.loads(capsys.readouterr().out)["works"]]
    assert store.exists()
    assert main(["search", "", "--format", "json", "--sort", "title", "--catalog", str(catalog_file)]) == 0
    by_title = [w.get("year") for w in json.loads(capsys.readouterr().out)["works"]]
    assert main(["search", "", "--format", "json", "--sort", "year", "--catalog", str(catalog_file)]) == 0
    assert by_year == [w.get("year") for w in json.loads(capsys.readouterr().out)["works"]]
    assert by_year != by_title  # the option wins over the file


async def test_the_app_starts_with_the_file_and_saves_the_theme_picked(
    config: Path, catalog_file: Path, db_path: Path
) -> None:
    save_setting("theme", "nord")
    save_setting("sort", "year")
    save_setting("english_titles", True)
    app = CatalogApp(catalog_path=catalog_file, db_path=str(db_path))
    async with app.run_test() as pilot:
        screen = await ready(pilot)
        assert app.theme == "nord"
        assert screen.sort == "year" and screen.show_english is True
        app.theme = "textual-light"  # what the palette's dark/light toggle and theme picker do
        await settle(pilot)
    assert load_settings().theme == "textual-light"
    assert CatalogApp(catalog_path=catalog_file, db_path=str(db_path)).theme == "textual-light"


def test_the_theme_option_and_variable_win_but_are_not_saved(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_setting("theme", "nord")
    assert CatalogApp(theme="dracula").theme == "dracula"
    monkeypatch.setenv("CATALOG_TUI_THEME", "gruvbox")
    assert CatalogApp().theme == "gruvbox"
    assert CatalogApp(theme="dracula").theme == "dracula"
    assert load_settings().theme == "nord"
    with pytest.raises(UnknownTheme):
        CatalogApp(theme="no-such-theme")


def test_an_unknown_theme_is_one_clear_line(capsys) -> None:
    assert main(["--lang", "en", "--theme", "no-such-theme"]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith("catalog-tui: no theme named 'no-such-theme'; choose from ") and "textual-light" in err
    )
