/* The dashboard's charts: monthly and weekly trends of the chosen metric and, nationally,
   the map of China coloured by it (大连 as a marked city). Data comes from the page's
   "chart-data" JSON; nothing is fetched but the project's own map files. */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var unit = data.unit || "";
  var palette = ["#0b4f8a", "#c8102e"];

  function fmt(value) {
    if (value === null || value === undefined) { return "—"; }
    return (data.is_rate ? value.toFixed(1) : String(value)) + unit;
  }

  function line(id, points, label) {
    var node = document.getElementById(id);
    if (!node) { return; }
    var chart = echarts.init(node, null, { renderer: "svg" });
    chart.setOption({
      color: palette,
      grid: { left: 48, right: 16, top: 24, bottom: 32 },
      tooltip: { trigger: "axis", valueFormatter: fmt },
      xAxis: { type: "category", data: points.map(function (p) { return label(p.date); }) },
      yAxis: { type: "value", minInterval: data.is_rate ? 0 : 1 },
      series: [{ name: data.metric, type: "line", smooth: false, connectNulls: false,
                 data: points.map(function (p) { return p.value; }) }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  line("chart-monthly", data.monthly, function (d) { return d.slice(0, 7); });
  line("chart-weekly", data.weekly, function (d) { return d.slice(5); });

  var mapNode = document.getElementById("chart-map");
  if (!mapNode || !data.map) { return; }
  Promise.all([
    fetch(mapNode.dataset.geo).then(function (r) { return r.json(); }),
    fetch(mapNode.dataset.cities).then(function (r) { return r.json(); })
  ]).then(function (loaded) {
    // Not "china": ECharts patches maps of that name with its own 南海诸岛 inset.
    echarts.registerMap("louyu-china", loaded[0]);
    var cities = loaded[1];
    var values = data.map.provinces.filter(function (p) { return p.value !== null; })
      .map(function (p) { return p.value; });
    var marked = data.map.cities.filter(function (c) { return cities[c.code]; });
    marked.forEach(function (c) { if (c.value !== null) { values.push(c.value); } });
    var max = values.length ? Math.max.apply(null, values) : 1;
    var chart = echarts.init(mapNode, null, { renderer: "svg" });
    chart.setOption({
      tooltip: { trigger: "item", formatter: function (p) {
        var v = p.data ? p.data.value : null;
        if (Array.isArray(v)) { v = v[2]; }
        return (p.data && p.data.label ? p.data.label : p.name) + "：" + fmt(v);
      } },
      visualMap: { min: 0, max: max || 1, left: 8, bottom: 8, calculable: true,
                   inRange: { color: ["#e6eef7", "#0b4f8a"] }, text: [fmt(max), fmt(0)],
                   seriesIndex: 0 },
      geo: { map: "louyu-china", nameProperty: "code", roam: false, silent: true,
             itemStyle: { areaColor: "#f3f5f8", borderColor: "#9aa7b4" } },
      series: [
        { type: "map", map: "louyu-china", nameProperty: "code", geoIndex: 0,
          data: data.map.provinces.map(function (p) {
            return { name: p.code, value: p.value, label: p.name };
          }) },
        { type: "effectScatter", coordinateSystem: "geo", symbolSize: 12,
          itemStyle: { color: "#c8102e" },
          label: { show: true, position: "right", formatter: function (p) {
            return p.data.label + " " + fmt(p.data.value[2]); } },
          data: marked.map(function (c) {
            var point = cities[c.code];
            return { name: c.code, label: c.name, value: point.lnglat.concat([c.value]) };
          }) }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
