// The live dashboard's script: polls /_emulator/dashboard/data every 2 s of wall time for the
// chosen range and redraws the widgets (dygraphs), the totals and the alarms. The DLQ widget
// is sampled at each poll (the emulator publishes no SQS metrics) and keeps the last
// MAX_QUEUE_SAMPLES. Each chart carries data-points (points drawn); the page carries
// data-updates (polls drawn), data-now (the emulator's clock), data-errors.
(function () {
  'use strict';
  var POLL_MS = 2000;
  var MAX_QUEUE_SAMPLES = 1800;
  var charts = {};
  var queueSamples = [];
  var updates = 0;
  var userZoomed = false;
  var range = document.getElementById('range');
  var statusEl = document.getElementById('status');

  function pad(v) { return (v < 10 ? '0' : '') + v; }
  function utc(ms) {
    var d = new Date(ms);
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' ' +
           pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds()) + ' UTC';
  }
  function element(tag, text, className) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;  // never innerHTML: names are user input
    if (className) e.className = className;
    return e;
  }
  var SYMBOLS = { GreaterThanThreshold: '>', GreaterThanOrEqualToThreshold: '>=', LessThanThreshold: '<',
                  LessThanOrEqualToThreshold: '<=' };

  function alarmBands(data) {
    var bands = [];
    data.alarms.forEach(function (a) {
      var from = a.state_at_start === 'ALARM' ? data.start : null;
      a.history.forEach(function (h) {
        if (h.state === 'ALARM' && from === null) from = h.t;
        if (h.state !== 'ALARM' && from !== null) { bands.push([from, h.t]); from = null; }
      });
      if (from !== null) bands.push([from, data.now]);
    });
    return bands;
  }

  function widgetBox(id, title) {
    var box = element('div', undefined, 'widget');
    box.appendChild(element('h3', title));
    var legend = element('div', undefined, 'legend');
    legend.id = 'legend-' + id;
    var chart = element('div', undefined, 'chart');
    chart.id = 'chart-' + id;
    chart.setAttribute('data-chart', id);
    box.appendChild(legend);
    box.appendChild(chart);
    document.getElementById('widgets').appendChild(box);
    return chart;
  }

  function draw(id, title, unit, labels, rows, bands, span) {
    var options = {
      labels: ['time'].concat(labels), labelsUTC: true, legend: 'always', labelsDiv: 'legend-' + id,
      ylabel: unit, strokeWidth: 1.5, drawPoints: rows.length < 60, axes: { y: { axisLabelWidth: 60 } },
      underlayCallback: function (ctx, area, g) {
        ctx.fillStyle = 'rgba(214, 39, 40, 0.18)';
        bands.forEach(function (b) {
          var a = g.toDomXCoord(b[0]);
          ctx.fillRect(a, area.y, Math.max(2, g.toDomXCoord(b[1]) - a), area.h);
        });
      },
      zoomCallback: function () { userZoomed = true; }
    };
    if (!userZoomed) options.dateWindow = span;
    if (!charts[id]) {
      charts[id] = new Dygraph(widgetBox(id, title), rows, options);
    } else {
      options.file = rows;
      charts[id].updateOptions(options);
    }
    var g = charts[id], points = 0;
    (g.layout_.points || []).forEach(function (series) {
      series.forEach(function (p) { if (isFinite(p.canvasy) && p.yval !== null) points += 1; });
    });
    g.maindiv_.setAttribute('data-points', String(points));
  }

  function drawTotals(data) {
    var totals = document.getElementById('totals');
    totals.textContent = '';
    var api = {};
    data.widgets.forEach(function (w) { w.lines.forEach(function (l) { api[l.metric] = l; }); });
    [['AWS/ApiGateway Count', 'requests'], ['AWS/ApiGateway 5XXError', '5xx'], ['AWS/ApiGateway 4XXError', '4xx']]
      .forEach(function (pair) {
        var line = api[pair[0]];
        var sum = line ? line.values.reduce(function (a, v) { return a + (v || 0); }, 0) : 0;
        var box = element('div', undefined, 'total');
        var num = element('div', sum.toLocaleString('en-US'), 'num');
        num.setAttribute('data-total', pair[1]);
        box.appendChild(num);
        box.appendChild(element('div', pair[1] + ' in the range', 'label'));
        totals.appendChild(box);
      });
  }

  function drawAlarms(data) {
    var body = document.querySelector('#alarms tbody');
    body.textContent = '';
    var sorted = data.alarms.slice().sort(function (a, b) {
      return (b.state === 'ALARM') - (a.state === 'ALARM') || (a.name < b.name ? -1 : 1);
    });
    sorted.forEach(function (a) {
      var row = element('tr', undefined, a.state === 'ALARM' ? 'in-alarm' : '');
      row.setAttribute('data-alarm', a.name);
      row.setAttribute('data-state', a.state);
      row.appendChild(element('td', a.name));
      var state = element('td');
      state.appendChild(element('span', a.state, 'state ' + a.state));
      state.appendChild(element('div', 'since ' + utc(a.since)));
      row.appendChild(state);
      row.appendChild(element('td', a.statistic + ' of ' + a.metric + ' ' + (SYMBOLS[a.comparison] || a.comparison) +
                                    ' ' + a.threshold + ' over ' + a.period_seconds + ' s'));
      var history = element('td', undefined, 'history');
      a.history.forEach(function (h) { history.appendChild(element('span', utc(h.t).slice(11, 19) + ' ' + h.state, 'state ' + h.state)); });
      if (!a.history.length) history.textContent = 'no change (' + a.state_at_start + ')';
      row.appendChild(history);
      body.appendChild(row);
    });
  }

  function render(data) {
    var bands = alarmBands(data);
    var span = [data.start, data.end];
    data.widgets.forEach(function (w) {
      var rows = data.times.map(function (t, i) {
        return [new Date(t)].concat(w.lines.map(function (l) { return l.values[i]; }));
      });
      draw(w.id, w.title, w.unit, w.lines.map(function (l) { return l.label; }), rows, bands, span);
    });
    data.queues.forEach(function (q) {
      var last = queueSamples[queueSamples.length - 1];
      if (!last || last[0].getTime() !== data.now) queueSamples.push([new Date(data.now), q.depth, q.oldest_age_seconds]);
    });
    if (queueSamples.length > MAX_QUEUE_SAMPLES) queueSamples.splice(0, queueSamples.length - MAX_QUEUE_SAMPLES);
    if (data.queues.length) {
      draw('dlq', 'DLQ ' + data.queues[0].name + ' (sampled at each refresh)', 'messages, seconds',
           ['depth (messages)', 'oldest message age (s)'], queueSamples, bands, span);
    }
    drawTotals(data);
    drawAlarms(data);
    updates += 1;
    document.body.setAttribute('data-updates', String(updates));
    document.body.setAttribute('data-now', utc(data.now));
    document.body.setAttribute('data-errors', String(window.dashboardErrors ? window.dashboardErrors.length : 0));
    statusEl.className = '';
    statusEl.textContent = 'emulator clock (' + data.clock + '): ' + utc(data.now) + '; period ' + data.period_seconds + ' s';
  }

  var generation = 0;
  var timer = null;
  function poll() {
    var mine = ++generation;
    clearTimeout(timer);
    fetch('/_emulator/dashboard/data?minutes=' + encodeURIComponent(range.value), { cache: 'no-store' })
      .then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.json();
      })
      .then(function (data) { if (mine === generation) render(data); })
      .catch(function (e) {
        statusEl.className = 'stale';
        statusEl.textContent = 'cannot reach the emulator (' + e.message + '); retrying';
      })
      .then(function () { if (mine === generation) timer = setTimeout(poll, POLL_MS); });
  }

  range.addEventListener('change', function () { userZoomed = false; queueSamples = []; poll(); });
  poll();
})();
