"""The corpus health report: data gathering (data.py), site-health alerts (alerts.py),
plots (plots.py, tilemap.py) and the self-contained HTML page (page.py)."""
