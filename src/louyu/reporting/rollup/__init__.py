"""The rolled-up figures behind every metric: ``timelines`` defines what each building, case
and complaint contributes day by day, ``refresh`` keeps the ``Figure`` rows exact (at most
one refresh interval behind), ``query`` sums them for an area and a period."""
