"""Support for tests and benchmarks: generated news webs served on 127.0.0.1. Not used by crawls."""
