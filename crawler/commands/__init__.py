"""Scrapy commands of the project (COMMANDS_MODULE): ``crawl`` with provnews's exit statuses."""
