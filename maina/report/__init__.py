"""The staff report (issue 16): what residents ask, what went unanswered, what helped.

Plain Python (SQLAlchemy, scikit-learn, matplotlib, Jinja2 from the lock; no Rasa imports),
one job per module:

* :mod:`~maina.report.conversations` stored tracker events → sessions → turns, calculator runs, feedback
* :mod:`~maina.report.counts`        text-free counts per day, channel, metric and key
* :mod:`~maina.report.masking`       what may be shown of a resident's text
* :mod:`~maina.report.grouping`      paraphrases → one group with a count and its closest topic
* :mod:`~maina.report.store`         reading the tracker store's ``events`` table; the counts table
* :mod:`~maina.report.retention`     old conversations deleted, their counts kept
* :mod:`~maina.report.build`         the report's figures for a period
* :mod:`~maina.report.charts`        matplotlib charts with a Japanese font (or English labels)
* :mod:`~maina.report.render`        the HTML page and the CSV files

``make report`` (scripts/report.py) writes results/report.html; the Rasa server serves the
same page at ``/admin/report`` (maina_rasa/channels/staff.py).
"""
