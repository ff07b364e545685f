"""catalog-tui: browse China's featured online audiovisual works in the terminal."""

__version__ = "0.1.0"
