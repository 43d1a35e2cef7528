// Draws report.html's charts from the JSON in #report-data with dygraphs (inlined before this
// script): every time chart on one shared UTC clock with the scenario's local zone in the hover
// legend, ALARM periods shaded red, fault windows orange, local midnights as dashed lines; zoom,
// pan and the hovered second kept in step across charts. When done it marks each chart with
// the points it drew and their largest value (data-points, data-max) and the page with
// data-ready, data-errors and data-fits (nothing wider than the window): the browser test
// reads them back from the DOM.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var series = data.series;
  var seconds = series.planned.length;
  var offsetMs = data.zone.offset_hours * 3600000;
  var zone = data.zone.label.split(' ')[0];
  var graphs = [];
  var syncing = false;

  function pad(v) { return (v < 10 ? '0' : '') + v; }
  function hhmmss(ms) {
    var d = new Date(ms);
    return pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds());
  }
  function timeLabel(ms) { return hhmmss(ms) + ' UTC (' + hhmmss(ms + offsetMs) + ' ' + zone + ')'; }
  function constant(value) {
    var out = [];
    for (var i = 0; i < seconds; ++i) out.push(value);
    return out;
  }
  // dygraphs' native format: one row per second, [Date, value...].
  function rows(columns) {
    var out = [];
    for (var i = 0; i < seconds; ++i) {
      var row = [new Date(data.start + i * 1000)];
      for (var k = 0; k < columns.length; ++k) {
        var v = columns[k][i];
        row.push(v === undefined ? null : v);
      }
      out.push(row);
    }
    return out;
  }

  function underlay(ctx, area, g) {
    var x = function (ms) { return g.toDomXCoord(ms); };
    ctx.save();
    ctx.beginPath();
    ctx.rect(area.x, area.y, area.w, area.h);
    ctx.clip();
    ctx.font = '11px sans-serif';
    data.fault_windows.forEach(function (w) {
      ctx.fillStyle = 'rgba(255, 152, 0, 0.22)';
      ctx.fillRect(x(w.from), area.y, Math.max(2, x(w.to) - x(w.from)), area.h);
      ctx.fillStyle = '#b26a00';
      ctx.fillText(w.label, x(w.from) + 3, area.y + area.h - 4);
    });
    data.alarm_periods.forEach(function (p) {
      ctx.fillStyle = 'rgba(214, 39, 40, 0.18)';
      ctx.fillRect(x(p.from), area.y, Math.max(2, x(p.to) - x(p.from)), area.h);
      ctx.fillStyle = '#c62828';
      ctx.fillText('ALARM ' + p.alarm, x(p.from) + 3, area.y + 24);
    });
    data.markers.forEach(function (m) {
      ctx.strokeStyle = '#555';
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(x(m.t), area.y);
      ctx.lineTo(x(m.t), area.y + area.h);
      ctx.stroke();
      ctx.fillStyle = '#333';
      ctx.fillText(m.label, x(m.t) + 3, area.y + 11);
    });
    ctx.restore();
  }

  function inStep(g, action) {
    if (syncing) return;
    syncing = true;
    graphs.forEach(function (other) { if (other !== g) action(other); });
    syncing = false;
  }

  var timeOptions = {
    labelsUTC: true,
    legend: 'always',
    strokeWidth: 1.5,
    axisLabelWidth: 64,
    yRangePad: 4,
    dateWindow: [data.start, data.end],
    axes: { x: { valueFormatter: timeLabel }, y: { axisLabelWidth: 64 } },
    underlayCallback: underlay,
    drawCallback: function (g, initial) {
      if (!initial) inStep(g, function (o) { o.updateOptions({ dateWindow: g.xAxisRange() }); });
    },
    highlightCallback: function (event, x, points, row) {
      inStep(this, function (o) { o.setSelection(row); });
    },
    unhighlightCallback: function () { inStep(this, function (o) { o.clearSelection(); }); }
  };

  function merge(a, b) {
    var out = {};
    [a, b].forEach(function (o) { Object.keys(o).forEach(function (k) { out[k] = o[k]; }); });
    return out;
  }

  // `measured`: how many of the leading series are data (the rest are limit lines).
  function chart(id, labels, columns, options, measured) {
    var el = document.getElementById('chart-' + id);
    if (!el) return null;
    var g = new Dygraph(el, rows(columns), merge(merge(timeOptions, {
      labels: ['time'].concat(labels), labelsDiv: 'legend-' + id }), options || {}));
    g.measured = measured || labels.length;
    graphs.push(g);
    return g;
  }

  chart('requests', ['planned', 'sent', '2xx'], [series.planned, series.sent, series['2xx']],
        { colors: ['#1f77b4', '#ff7f0e', '#2ca02c'], ylabel: 'requests / s' });
  var errorLabels = ['4xx', '5xx', 'transport errors'];
  var errorColumns = [series['4xx'], series['5xx'], series.transport_errors];
  var errorColors = ['#9467bd', '#d62728', '#7f7f7f'];
  if (data.mode === 'virtual') {
    errorLabels.push('Lambda throttles');
    errorColumns.push(series.lambda_throttles);
    errorColors.push('#000000');
  }
  chart('errors', errorLabels, errorColumns,
        { colors: errorColors, ylabel: 'per second', series: { 'Lambda throttles': { strokePattern: [2, 2], strokeWidth: 2 } } });
  chart('latency', ['p50', 'p99'], [series.p50_ms, series.p99_ms],
        { colors: ['#1f77b4', '#d62728'], ylabel: 'ms' });
  if (data.mode === 'virtual' && data.limits.account_concurrency !== undefined) {
    var labels = ['concurrent executions', 'account limit'];
    var columns = [series.lambda_concurrency, constant(data.limits.account_concurrency)];
    var colors = ['#8c564b', '#d62728'];
    if (data.limits.reserved_concurrency !== null && data.limits.reserved_concurrency !== undefined) {
      labels.push('reserved concurrency');
      columns.push(constant(data.limits.reserved_concurrency));
      colors.push('#9467bd');
    }
    if (series.scaling_ceiling.some(function (v) { return v !== null; })) {
      labels.push('scaling limit');
      columns.push(series.scaling_ceiling);
      colors.push('#ff7f0e');
    }
    var dashed = {};
    labels.slice(1).forEach(function (l) { dashed[l] = { strokePattern: [6, 4] }; });
    chart('concurrency', labels, columns, { colors: colors, ylabel: 'executions', series: dashed }, 1);
  }

  // The spectrum is not on the clock: x = -log10(1 - p).
  var percentLabel = function (x) {
    var p = 100 * (1 - Math.pow(10, -x));
    return (x >= 1 ? p.toFixed(Math.max(0, Math.ceil(x) - 2)) : p.toFixed(0)) + '%';
  };
  var spectrumEl = document.getElementById('chart-spectrum');
  if (spectrumEl) {
    var spectrum = new Dygraph(spectrumEl, data.spectrum, {
      labels: ['percentile', 'latency', 'service time'], labelsDiv: 'legend-spectrum', legend: 'always',
      colors: ['#d62728', '#1f77b4'], strokeWidth: 1.5, ylabel: 'ms', xRangePad: 12,
      axes: {
        x: {
          valueFormatter: percentLabel,
          ticker: function () {
            return [0, 1, 2, 3, 4, 5].map(function (v) { return { v: v, label: percentLabel(v) }; });
          }
        },
        y: { axisLabelWidth: 64 }
      }
    });
    spectrum.measured = 2;
    spectrum.independent = true;
    graphs.push(spectrum);
  }

  // Quick zooms: the whole run, the first second with errors or throttles, each fired alarm.
  var timeGraphs = graphs.filter(function (g) { return !g.independent; });
  function zoomButton(label, range) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;  // alarm names are user input: text, never HTML
    b.addEventListener('click', function () {
      timeGraphs.forEach(function (g) { g.updateOptions({ dateWindow: range }); });
    });
    document.getElementById('zoom').appendChild(b);
  }
  if (document.getElementById('zoom')) {
    zoomButton('whole run', [data.start, data.end]);
    var firstBad = -1;
    for (var i = 0; i < seconds && firstBad < 0; ++i) {
      if (series['4xx'][i] + series['5xx'][i] + series.transport_errors[i] + series.lambda_throttles[i] > 0) firstBad = i;
    }
    if (firstBad >= 0) {
      var at = data.start + firstBad * 1000;
      zoomButton('first errors (' + hhmmss(at) + ' UTC) \u00b1 2 min', [at - 120000, at + 120000]);
    }
    var seen = {};
    data.alarm_periods.forEach(function (p) {
      if (seen[p.alarm]) return;
      seen[p.alarm] = true;
      zoomButton(p.alarm + ' ALARM (' + hhmmss(p.from) + ' UTC) \u00b1 3 min', [p.from - 180000, p.to + 180000]);
    });
  }

  // What was drawn, for anyone checking the page (the browser test reads these attributes).
  graphs.forEach(function (g) {
    var points = 0, max = -Infinity;
    (g.layout_.points || []).slice(0, g.measured).forEach(function (pts) {
      pts.forEach(function (p) {
        if (isFinite(p.canvasy) && p.yval !== null) {
          points += 1;
          max = Math.max(max, p.yval);
        }
      });
    });
    g.maindiv_.setAttribute('data-points', String(points));
    g.maindiv_.setAttribute('data-max', String(max));
  });
  graphs = graphs.filter(function (g) { return !g.independent; });
  var root = document.documentElement;
  document.body.setAttribute('data-fits', String(root.scrollWidth <= root.clientWidth));
  document.body.setAttribute('data-errors', String(window.reportErrors.length));
  document.body.setAttribute('data-ready', 'true');
})();
