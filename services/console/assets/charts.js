// Charts with uPlot (served by the console). Sparklines of the flows' throughput (numbers are also in
// the table and in the element's aria-label) and the indicators' trend.
(function () {
  'use strict';
  if (typeof uPlot === 'undefined') return;
  function spark(el) {
    var ys;
    try {
      ys = JSON.parse(el.getAttribute('data-series') || '[]');
    } catch (e) {
      return;
    }
    el.textContent = '';
    if (!ys.length) return;
    var xs = ys.map(function (_, i) {
      return i;
    });
    new uPlot(
      {
        width: 140,
        height: 32,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false } },
        axes: [{ show: false }, { show: false }],
        series: [{}, { stroke: '#0b4f9c', width: 1.5, fill: 'rgba(11,79,156,0.12)', points: { show: false } }],
      },
      [xs, ys],
      el,
    );
  }
  function trend(el) {
    var rows;
    try {
      rows = JSON.parse(el.getAttribute('data-chart') || '[]');
    } catch (e) {
      return;
    }
    if (!rows.length) return;
    var label = Object.keys(rows[0]).find(function (k) {
      return typeof rows[0][k] === 'string';
    });
    if (!label) return;
    var keys = Object.keys(rows[0]).filter(function (k) {
      return (
        k !== label &&
        rows.some(function (r) {
          return typeof r[k] === 'number';
        })
      );
    });
    var xs = rows.map(function (_, i) {
      return i;
    });
    var data = [xs].concat(
      keys.map(function (k) {
        return rows.map(function (r) {
          return typeof r[k] === 'number' ? r[k] : null;
        });
      }),
    );
    var colours = ['#0b4f9c', '#a4161a', '#116329', '#7a4d00', '#5a189a', '#00606b'];
    // The x series' legend entry: the page's own label (Vietnamese first, like every other text) and the
    // row's name as its value; uPlot's defaults are the English "Value" and the index.
    var xLabel = el.getAttribute('data-x-label') || label;
    el.textContent = '';
    new uPlot(
      {
        width: Math.min(900, el.clientWidth || 600),
        height: 240,
        scales: { x: { time: false } },
        axes: [
          {
            splits: function () {
              return xs;
            },
            values: function (u, vals) {
              return vals.map(function (v) {
                return label && rows[v] ? rows[v][label] : '';
              });
            },
          },
          {},
        ],
        series: [
          {
            label: xLabel,
            value: function (u, v) {
              return v === null || v === undefined || !rows[v] ? '—' : rows[v][label];
            },
          },
        ].concat(
          keys.map(function (k, i) {
            return { label: k, stroke: colours[i % colours.length], width: 2 };
          }),
        ),
      },
      data,
      el,
    );
  }
  function draw(root) {
    root.querySelectorAll('.spark[data-series]').forEach(spark);
    root.querySelectorAll('[data-chart]').forEach(trend);
  }
  function init() {
    draw(document);
  }
  document.addEventListener('console:swapped', function (e) {
    draw(e.detail.el);
  });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
