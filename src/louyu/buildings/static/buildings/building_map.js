// The building page's map: this building and its neighbours (data from #building-map-data).
(function () {
  var el = document.getElementById("building-map");
  var data = JSON.parse(document.getElementById("building-map-data").textContent);
  var chart = echarts.init(el, null, {renderer: "svg"});
  var all = data.others.map(function (p) { return p.value; }).concat([data.self.value]);
  var lons = all.map(function (v) { return v[0]; }), lats = all.map(function (v) { return v[1]; });
  var pad = function (a, b) { var d = Math.max((b - a) * 0.15, 0.005); return [a - d, b + d]; };
  var lonR = pad(Math.min.apply(null, lons), Math.max.apply(null, lons));
  var latR = pad(Math.min.apply(null, lats), Math.max.apply(null, lats));
  chart.setOption({
    animation: false,
    grid: {left: 56, right: 16, top: 28, bottom: 40},
    legend: {top: 0, data: [data.labels.self, data.labels.others]},
    tooltip: {trigger: "item", formatter: function (p) { return echarts.format.encodeHTML(p.data.name); }},
    xAxis: {type: "value", name: data.labels.lon, nameLocation: "middle", nameGap: 26, min: lonR[0], max: lonR[1], axisLabel: {formatter: function (v) { return v.toFixed(3); }}},
    yAxis: {type: "value", name: data.labels.lat, min: latR[0], max: latR[1], axisLabel: {formatter: function (v) { return v.toFixed(3); }}},
    series: [
      {name: data.labels.self, type: "scatter", symbolSize: 16, itemStyle: {color: "#c8102e"}, data: [data.self], z: 3},
      {name: data.labels.others, type: "scatter", symbolSize: 8, itemStyle: {color: "#5b7fa6", opacity: 0.7}, data: data.others}
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
