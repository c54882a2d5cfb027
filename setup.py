"""Shim for scrapyd-deploy, which builds the project egg with ``python setup.py bdist_egg``.

Without it scrapyd-deploy writes its own setup.py into the checkout on every deploy.
All metadata, including the ``scrapy`` settings entry point scrapyd needs, is in pyproject.toml.
"""
from setuptools import setup

setup()
