from acme_core import __version__
