"""The offline demo: a bundled sample news web and the small server that serves it."""
