"""Campaign progress: the metrics of DESIGN.md computed once (``metrics`` and the
``rollup`` behind them), dashboards, monthly reports from the administrations, national
bulletins, and the public statistics page. Reads across the domain apps below it."""
