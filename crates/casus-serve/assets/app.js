// casus web application. Every page is rendered here from /api/ JSON.
// All data reaches the DOM through textContent / text nodes and
// setAttribute on attributes we name; never innerHTML.
'use strict';

(function () {
  const SVG = 'http://www.w3.org/2000/svg';
  const main = document.getElementById('main');
  const page = document.body.getAttribute('data-page');
  const params = new URLSearchParams(location.search);

  // ---- DOM helpers -------------------------------------------------------
  function add(e, kids) {
    for (const k of kids.flat(Infinity)) {
      if (k === null || k === undefined || k === false) continue;
      e.append(k instanceof Node ? k : document.createTextNode(String(k)));
    }
    return e;
  }
  function h(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    return add(e, kids);
  }
  function s(tag, attrs, ...kids) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined) continue;
      if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, String(v));
    }
    return add(e, kids);
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }
  function fmt(n) { return n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US'); }
  const enc = encodeURIComponent;
  function docHref(docId, span) {
    let u = '/documents/' + enc(docId);
    if (span) u += '?hl=' + enc(span[0] + '-' + span[1]);
    return u;
  }
  function actorHref(id) { return '/actors/' + enc(id); }
  function placeHref(id) { return '/places/' + enc(id); }

  // ---- API ---------------------------------------------------------------
  async function api(path, q) {
    let url = '/api/' + path;
    if (q) {
      const u = new URLSearchParams();
      for (const [k, v] of Object.entries(q)) if (v !== null && v !== undefined && v !== '') u.set(k, v);
      const qs = u.toString();
      if (qs) url += '?' + qs;
    }
    const r = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    const body = await r.json().catch(() => ({ error: 'bad JSON from ' + url }));
    if (!r.ok) {
      const err = new Error((body.parameter ? body.parameter + ': ' : '') + (body.error || r.statusText));
      err.status = r.status;
      throw err;
    }
    return body;
  }
  function fail(e) {
    clear(main);
    main.append(h('div', { class: 'error' }, h('strong', {}, 'Could not load this page. '), String(e && e.message || e)));
  }

  // ---- Shared renderers --------------------------------------------------
  function title(text, sub) {
    document.title = text + ' · casus';
    return h('div', { class: 'pagehead' }, h('h1', {}, text), sub ? h('p', { class: 'sub' }, sub) : null);
  }
  function who(x) {
    if (!x || !x.id) return h('span', { class: 'muted' }, '—');
    return h('a', { href: actorHref(x.id), class: 'actor', title: [x.id, x.country, x.sector].filter(Boolean).join(' · ') }, x.name || x.id);
  }
  function typeBadge(t, mode) {
    return h('span', { class: 'badge t-' + String(t || '').toLowerCase() }, t || '?', mode ? h('small', {}, ' ' + mode) : null);
  }
  function dateText(d) {
    if (!d) return 'undated';
    if (d.start && d.end && d.start !== d.end) return d.start + ' – ' + d.end;
    return d.value || d.start || 'undated';
  }
  // The evidence of a fact: each source sentence, linking to the document
  // with the span highlighted.
  // Listings carry a fact's first sources and `source_count`; `more`
  // (when given) fetches the rest.
  function sourcesList(sources, total, more) {
    if (!sources || !sources.length) return h('p', { class: 'muted' }, 'No sources recorded.');
    const list = h('ol', { class: 'sources' }, sources.map((src) =>
      h('li', {},
        h('blockquote', {}, src.text || '(sentence not found)'),
        h('div', { class: 'src' },
          h('a', { href: docHref(src.doc_id, src.span), class: 'open-evidence' }, 'Open in ' + shortName(src.doc)),
          h('span', { class: 'muted mono' }, ' bytes ' + src.span[0] + '–' + src.span[1]))
      )));
    const rest = (total || 0) - sources.length;
    if (rest <= 0) return list;
    const note = h('p', { class: 'muted' }, '… and ' + rest + ' more source' + (rest === 1 ? '' : 's') + '. ');
    const box = h('div', {}, list, note);
    if (more) {
      const b = h('button', { type: 'button', class: 'linkish' }, 'Show all');
      b.addEventListener('click', async () => {
        b.disabled = true;
        try { box.replaceWith(sourcesList(await more(), 0)); } catch (e) { b.disabled = false; note.append(' (' + e.message + ')'); }
      });
      note.append(b);
    }
    return box;
  }
  function sourceCount(x) {
    return x.source_count !== undefined ? x.source_count : (x.sources || []).length;
  }
  function shortName(n) {
    n = String(n || '');
    const i = n.lastIndexOf('/');
    return i >= 0 ? n.slice(i + 1) : n;
  }
  function eventRow(e, opts) {
    opts = opts || {};
    const ev = h('div', { class: 'evidence', hidden: true });
    const btn = h('button', { type: 'button', class: 'linkish evidence-toggle', 'aria-expanded': 'false' },
      sourceCount(e) + ' source' + (sourceCount(e) === 1 ? '' : 's'));
    btn.addEventListener('click', () => {
      const open = ev.hidden;
      ev.hidden = !open;
      btn.setAttribute('aria-expanded', open ? 'true' : 'false');
      if (open && !ev.firstChild) {
        ev.append(sourcesList(e.sources, sourceCount(e), async () => (await api('events/' + e.id)).sources));
      }
    });
    const loc = e.location && e.location.id
      ? h('a', { href: placeHref(e.location.id), class: 'place' }, e.location.name || e.location.id) : null;
    return h('div', { class: 'event', 'data-event': e.id },
      h('div', { class: 'ehead' },
        opts.date ? h('span', { class: 'edate mono' }, dateText(e.date)) : null,
        typeBadge(e.type, e.mode),
        h('span', { class: 'who' }, who(e.actor), h('span', { class: 'arrow' }, ' → '), who(e.recipient)),
        loc ? h('span', { class: 'at' }, ' at ', loc) : null,
        e.claimed_by ? h('span', { class: 'claimed' }, 'per ' + e.claimed_by) : null,
        h('span', { class: 'grow' }),
        btn),
      h('p', { class: 'etext' }, e.text || (e.sources && e.sources[0] && e.sources[0].text) || ''),
      ev);
  }
  function eventsTable(list, empty) {
    if (!list || !list.length) return h('p', { class: 'muted' }, empty || 'No events.');
    return h('div', { class: 'events' }, list.map((e) => eventRow(e, { date: true })));
  }
  function statCard(label, value, href) {
    const v = h('div', { class: 'num' }, fmt(value));
    return h(href ? 'a' : 'div', { class: 'card', href: href || null }, v, h('div', { class: 'label' }, label));
  }
  function table(headers, rows, cls) {
    return h('table', { class: cls || 'grid' },
      h('thead', {}, h('tr', {}, headers.map((x) => h('th', {}, x)))),
      h('tbody', {}, rows));
  }

  // ---- Pages -------------------------------------------------------------
  const pages = {};

  pages.overview = async function () {
    const [st, fac, tl, dis, docs] = await Promise.all([
      api('stats'), api('facets'), api('timeline', { limit: 1 }), api('disagreements'), api('documents', { limit: 20 }),
    ]);
    clear(main);
    main.append(title('Nagorno-Karabakh: the knowledge base',
      'What the sources say happened, who claims which figures, and where every statement comes from.'));
    main.append(h('div', { class: 'cards' },
      statCard('events', st.events, '/timeline'),
      statCard('claims', st.claims, '/claims'),
      statCard('documents', st.documents, '/sources'),
      statCard('sentences', st.sentences, null),
      statCard('mentions', st.mentions, '/actors'),
      statCard('dates found', st.timexes, null)));
    if (st.first_date) main.append(h('p', { class: 'span' }, 'Events from ', h('b', {}, st.first_date), ' to ', h('b', {}, st.last_date), '.'));
    if (tl.histogram && tl.histogram.length) {
      main.append(h('section', {}, h('h2', {}, 'Events over time'), histogram(tl.histogram, null, (a, b) => { location.href = '/timeline?from=' + a + '&to=' + b; })));
    }
    const cols = h('div', { class: 'cols' });
    const names = fac.names || {};
    const top = (arr, hrefFn, heading) => h('section', {}, h('h2', {}, heading),
      arr.length ? table(['', 'events'], arr.slice(0, 12).map(([id, n]) =>
        h('tr', {}, h('td', {}, h('a', { href: hrefFn(id) }, names[id] || id)), h('td', { class: 'r' }, fmt(n))))) : h('p', { class: 'muted' }, 'None yet.'));
    cols.append(top(fac.actors, actorHref, 'Most active actors'));
    cols.append(top(fac.places, placeHref, 'Places with most events'));
    cols.append(top(fac.types, (t) => '/timeline?type=' + enc(t), 'Event types'));
    main.append(cols);
    main.append(h('section', {}, h('h2', {}, 'Where claimants disagree'),
      dis.disagreements.length
        ? h('p', {}, h('a', { href: '/claims' }, dis.disagreements.length + ' subjects'), ' on which claimants give different figures.')
        : h('p', { class: 'muted' }, 'No conflicting figures recorded.')));
    main.append(h('section', {}, h('h2', {}, 'Documents'),
      table(['document', 'format', 'sentences', 'bytes'], docs.documents.map((d) =>
        h('tr', {}, h('td', {}, h('a', { href: '/documents/' + enc(d.id) }, d.title || shortName(d.name))),
          h('td', {}, d.format), h('td', { class: 'r' }, fmt(d.sentences)), h('td', { class: 'r' }, fmt(d.bytes))))),
      docs.total > docs.documents.length
        ? h('p', {}, h('a', { href: '/documents' }, 'All ' + fmt(docs.total) + ' documents')) : null));
  };

  // A bar chart of events over time, by day, month or year depending on
  // the span; `range` = [from, to] highlights a window; a click on a bar
  // calls onDay(first, last) with its days; a drag calls onRange(from, to).
  function histogram(data, range, onDay, onRange, width) {
    const W = Math.max(300, Math.round(width || main.clientWidth - 20 || 1000)), H = 90, pad = 18;
    const first = data[0][0], last = data[data.length - 1][0];
    const spanDays = (Date.parse(last) - Date.parse(first)) / 864e5 + 1;
    const unit = spanDays <= 400 ? 'day' : spanDays <= 366 * 30 ? 'month' : 'year';
    const keyOf = (d) => unit === 'day' ? d : unit === 'month' ? d.slice(0, 7) : d.slice(0, 4);
    // Bucket index from the first bucket, and each bucket's first/last day.
    const y0 = +first.slice(0, 4), m0 = +first.slice(5, 7);
    const t0 = Date.parse(first);
    const index = (d) => unit === 'day' ? Math.round((Date.parse(d) - t0) / 864e5)
      : unit === 'month' ? (+d.slice(0, 4) - y0) * 12 + (+d.slice(5, 7) - m0) : +d.slice(0, 4) - y0;
    const bounds = (i) => {
      if (unit === 'day') { const d = new Date(t0 + i * 864e5).toISOString().slice(0, 10); return [d, d]; }
      if (unit === 'month') {
        const y = y0 + Math.floor((m0 - 1 + i) / 12), m = (m0 - 1 + i) % 12 + 1;
        const mm = String(m).padStart(2, '0');
        const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
        return [y + '-' + mm + '-01', y + '-' + mm + '-' + String(lastDay).padStart(2, '0')];
      }
      return [(y0 + i) + '-01-01', (y0 + i) + '-12-31'];
    };
    const counts = new Map();
    for (const [d, n] of data) counts.set(index(d), (counts.get(index(d)) || 0) + n);
    const nb = index(last) + 1;
    const max = Math.max(1, ...counts.values());
    const bw = (W - 2 * pad) / nb;
    const x = (i) => pad + i * bw;
    const svg = s('svg', { viewBox: '0 0 ' + W + ' ' + (H + 20), class: 'hist', role: 'img', 'aria-label': 'events per ' + unit });
    if (range && (range[0] || range[1])) {
      const a = range[0] ? x(Math.max(0, index(range[0] < first ? first : range[0]))) : pad;
      const b = range[1] ? x(Math.min(nb - 1, index(range[1] > last ? last : range[1]))) + bw : W - pad;
      svg.append(s('rect', { x: a, y: 0, width: Math.max(1, b - a), height: H, class: 'win' }));
    }
    for (const [i, n] of counts) {
      const bh = Math.max(1.5, (n / max) * (H - 4));
      svg.append(s('rect', { x: x(i), y: H - bh, width: Math.max(1.2, bw - (bw > 3 ? 0.6 : 0)), height: bh, class: 'bar', 'data-day': bounds(i)[0] },
        s('title', {}, keyOf(bounds(i)[0]) + ': ' + n + ' events')));
    }
    svg.append(s('text', { x: pad, y: H + 15, class: 'axis' }, keyOf(first)));
    svg.append(s('text', { x: W - pad, y: H + 15, class: 'axis', 'text-anchor': 'end' }, keyOf(last)));
    svg.append(s('text', { x: pad, y: 10, class: 'axis' }, 'max ' + max + ' events/' + unit));
    const at = (ev) => {
      const pt = svg.getBoundingClientRect();
      const px = (ev.clientX - pt.left) / pt.width * W;
      return Math.max(0, Math.min(nb - 1, Math.floor((px - pad) / bw)));
    };
    let down = null;
    svg.addEventListener('mousedown', (ev) => { down = at(ev); ev.preventDefault(); });
    svg.addEventListener('mouseup', (ev) => {
      if (down === null) return;
      const up = at(ev);
      const a = Math.min(down, up), b = Math.max(down, up);
      down = null;
      if (a === b) { if (onDay) onDay(bounds(a)[0], bounds(a)[1]); } else if (onRange) onRange(bounds(a)[0], bounds(b)[1]);
    });
    return svg;
  }

  function option(value, label, selected) {
    return h('option', { value: value, selected: selected ? true : null }, label);
  }
  function select(name, label, items, names, current) {
    return h('label', {}, label,
      h('select', { name: name, id: 'f-' + name },
        option('', 'any', !current),
        items.map(([id, n]) => option(id, (names[id] || id) + ' (' + n + ')', current === id))));
  }

  pages.timeline = async function () {
    const fac = await api('facets');
    const names = fac.names || {};
    const state = {};
    for (const k of ['actor', 'recipient', 'type', 'mode', 'place', 'from', 'to', 'q', 'document']) state[k] = params.get(k) || '';
    clear(main);
    main.append(title('Timeline', 'Events by day. Drag across the chart to zoom to a period; click a bar for one day. Open an event\'s sources to see the sentences that state it.'));
    const form = h('form', { class: 'filters', id: 'filters' },
      select('actor', 'Actor', fac.actors, names, state.actor),
      select('recipient', 'Recipient', fac.recipients, names, state.recipient),
      select('type', 'Type', fac.types, {}, state.type),
      select('place', 'Place', fac.places, names, state.place),
      h('label', {}, 'From', h('input', { type: 'date', name: 'from', id: 'f-from', value: state.from })),
      h('label', {}, 'To', h('input', { type: 'date', name: 'to', id: 'f-to', value: state.to })),
      h('label', {}, 'Words', h('input', { type: 'search', name: 'q', id: 'f-q', value: state.q, placeholder: 'in the evidence' })),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', id: 'f-apply' }, 'Apply'),
        h('button', { type: 'button', id: 'zoom-out', class: 'secondary' }, 'Zoom out'),
        h('button', { type: 'button', id: 'f-reset', class: 'secondary' }, 'Reset')));
    const chart = h('div', { class: 'chart', id: 'chart' });
    const summary = h('p', { class: 'summary', id: 'summary' });
    const list = h('div', { id: 'days' });
    main.append(form, chart, summary, list);
    let lastHist = [];
    async function load() {
      const q = Object.assign({}, state, { limit: 500 });
      const u = new URLSearchParams();
      for (const [k, v] of Object.entries(state)) if (v) u.set(k, v);
      history.replaceState(null, '', '/timeline' + (u.toString() ? '?' + u : ''));
      summary.textContent = 'Loading…';
      let tl;
      try { tl = await api('timeline', q); } catch (e) { summary.textContent = ''; clear(list).append(h('div', { class: 'error' }, e.message)); return; }
      lastHist = tl.histogram;
      clear(chart);
      if (tl.histogram.length) {
        const pick = (a, b) => { state.from = a; state.to = b || a; sync(); load(); };
        const range = (a, b) => { state.from = a; state.to = b; sync(); load(); };
        chart.append(histogram(tl.histogram, [state.from, state.to], pick, range));
        // Zoomed: the window again, at full width.
        const win = tl.histogram.filter(([d]) => (!state.from || d >= state.from) && (!state.to || d <= state.to));
        if ((state.from || state.to) && win.length > 1) {
          chart.append(h('div', { class: 'zoomlabel' }, 'Zoomed to ' + win[0][0] + ' – ' + win[win.length - 1][0]),
            histogram(win, null, pick, range));
        }
      }
      const shown = tl.days.reduce((n, d) => n + d.events.length, 0);
      summary.textContent = fmt(tl.total) + ' events match' + (shown < tl.total ? '; showing the first ' + fmt(shown) : '') +
        (state.from || state.to ? ' between ' + (state.from || 'the start') + ' and ' + (state.to || 'the end') : '') + '.';
      clear(list);
      if (!tl.days.length) list.append(h('p', { class: 'muted' }, 'No events match these filters.'));
      for (const d of tl.days) {
        list.append(h('section', { class: 'day', 'data-day': d.date },
          h('h3', {}, h('span', { class: 'mono' }, d.date), h('span', { class: 'count' }, d.count + (d.count === 1 ? ' event' : ' events'))),
          d.events.map((e) => eventRow(e))));
      }
    }
    function sync() {
      for (const k of ['actor', 'recipient', 'type', 'place', 'from', 'to', 'q']) {
        const el = document.getElementById('f-' + k);
        if (el) el.value = state[k];
      }
    }
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      for (const k of ['actor', 'recipient', 'type', 'place', 'from', 'to', 'q']) state[k] = document.getElementById('f-' + k).value.trim();
      load();
    });
    document.getElementById('f-reset').addEventListener('click', () => {
      for (const k of Object.keys(state)) state[k] = '';
      sync(); load();
    });
    document.getElementById('zoom-out').addEventListener('click', () => {
      if (!state.from && !state.to) return;
      const all = lastHist.map((x) => x[0]);
      const a = Date.parse(state.from || all[0]), b = Date.parse(state.to || all[all.length - 1]);
      const w = Math.max(864e5, b - a);
      const na = new Date(a - w), nb = new Date(b + w);
      const first = all[0], last = all[all.length - 1];
      state.from = na.toISOString().slice(0, 10); state.to = nb.toISOString().slice(0, 10);
      if (first && state.from <= first) state.from = '';
      if (last && state.to >= last) state.to = '';
      sync(); load();
    });
    await load();
  };

  // ---- Map ---------------------------------------------------------------
  const BBOX = { lon0: 43.2, lon1: 50.6, lat0: 38.2, lat1: 41.9 };
  function projector(W, H) {
    const k = Math.cos((BBOX.lat0 + BBOX.lat1) / 2 * Math.PI / 180);
    const sx = W / ((BBOX.lon1 - BBOX.lon0) * k), sy = H / (BBOX.lat1 - BBOX.lat0);
    const sc = Math.min(sx, sy);
    return (lon, lat) => [((lon - BBOX.lon0) * k) * sc, H - (lat - BBOX.lat0) * sc];
  }
  async function drawBase(svg, W, H) {
    const P = projector(W, H);
    const outlines = await fetch('/assets/outlines.json').then((r) => r.json());
    svg.append(s('rect', { x: 0, y: 0, width: W, height: H, class: 'sea' }));
    const g = s('g', { class: 'outlines' });
    for (const c of outlines.countries || []) {
      for (const ring of c.rings) {
        const d = ring.map(([lon, lat], i) => { const [x, y] = P(lon, lat); return (i ? 'L' : 'M') + x.toFixed(1) + ',' + y.toFixed(1); }).join('') + 'Z';
        g.append(s('path', { d: d, class: 'country c-' + c.id }, s('title', {}, c.name)));
      }
    }
    svg.append(g);
    for (const c of outlines.countries || []) {
      if (!c.label) continue;
      const [x, y] = P(c.label[0], c.label[1]);
      svg.append(s('text', { x: x, y: y, class: 'clabel' }, c.name));
    }
    for (const l of outlines.labels || []) {
      const [x, y] = P(l.at[0], l.at[1]);
      svg.append(s('text', { x: x, y: y, class: 'rlabel' }, l.name));
    }
    for (const l of outlines.lines || []) {
      const d = l.points.map(([lon, lat], i) => { const [x, y] = P(lon, lat); return (i ? 'L' : 'M') + x.toFixed(1) + ',' + y.toFixed(1); }).join('');
      svg.append(s('path', { d: d, class: 'line l-' + l.id }, s('title', {}, l.name)));
    }
    return P;
  }

  pages.map = async function () {
    const st = await api('stats');
    clear(main);
    main.append(title('Map', 'Places plotted from their coordinates, sized by the number of events there. Move the slider to watch the front move.'));
    const W = 960, H = 560;
    const svg = s('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'map', id: 'map', role: 'img', 'aria-label': 'map of the conflict zone' });
    const first = (st.first_date || '2020-09-27').slice(0, 10), last = (st.last_date || '2020-11-10').slice(0, 10);
    const periods = [
      ['war2020', '2020 war (27 Sep – 10 Nov 2020)', '2020-09-27', '2020-11-10'],
      ['war2016', 'April 2016 clashes', '2016-04-01', '2016-04-06'],
      ['war1988', 'First war (1988–1994)', '1988-02-20', '1994-05-12'],
      ['sep2023', 'September 2023 offensive', '2023-09-19', '2023-09-30'],
      ['all', 'Everything (' + first.slice(0, 4) + '–' + last.slice(0, 4) + ')', first, last],
    ];
    let t0 = 0, nd = 0;
    const slider = h('input', { type: 'range', min: 0, max: 1, value: 1, id: 'map-day', 'aria-label': 'date' });
    const periodSel = h('select', { id: 'map-period', 'aria-label': 'period' }, periods.map(([id, label]) => option(id, label, id === 'war2020')));
    function setPeriod() {
      const p = periods.find((x) => x[0] === periodSel.value) || periods[0];
      t0 = Date.parse(p[2]);
      nd = Math.max(1, Math.round((Date.parse(p[3]) - t0) / 864e5));
      slider.max = nd; slider.value = nd;
    }
    setPeriod();
    const windowSel = h('select', { id: 'map-window' },
      option('all', 'cumulative to date', true), option('1', 'that day'), option('7', 'week to date'), option('30', '30 days to date'));
    const label = h('span', { class: 'mono', id: 'map-date' });
    const play = h('button', { type: 'button', id: 'map-play', class: 'secondary' }, 'Play');
    const info = h('p', { class: 'summary', id: 'map-info' });
    const legend = h('div', { class: 'legend' },
      h('span', {}, h('i', { class: 'dot ev' }), ' events in the window (area ∝ count)'),
      h('span', {}, h('i', { class: 'dot men' }), ' place mentioned, no events in the window'));
    main.append(h('div', { class: 'mapctl' }, periodSel, h('label', {}, 'Date ', slider), label, windowSel, play), svg, legend, info);
    const P = await drawBase(svg, W, H);
    const layer = s('g', { class: 'points', id: 'points' });
    svg.append(layer);
    const day = (i) => new Date(t0 + i * 864e5).toISOString().slice(0, 10);
    let seq = 0;
    async function load() {
      const to = day(Number(slider.value));
      const w = windowSel.value;
      const from = w === 'all' ? null : day(Math.max(0, Number(slider.value) - Number(w) + 1));
      label.textContent = (from ? from + ' – ' : 'until ') + to;
      const my = ++seq;
      const res = await api('places', { from: from, to: to });
      if (my !== seq) return;
      clear(layer);
      const pts = res.places.filter((p) => p.lat !== null && p.lon !== null &&
        p.lon >= BBOX.lon0 && p.lon <= BBOX.lon1 && p.lat >= BBOX.lat0 && p.lat <= BBOX.lat1);
      pts.sort((a, b) => b.events - a.events);
      let withEv = 0, total = 0;
      for (const p of pts) {
        const [x, y] = P(p.lon, p.lat);
        const r = p.events ? 3 + Math.sqrt(p.events) * 2.2 : 2.2;
        if (p.events) { withEv++; total += p.events; }
        const a = s('a', { href: placeHref(p.id) },
          s('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: r.toFixed(1), class: p.events ? 'pt ev' : 'pt men', 'data-place': p.id },
            s('title', {}, p.name + ': ' + p.events + ' events, ' + p.mentions + ' mentions')));
        layer.append(a);
      }
      const labels = s('g', { class: 'plabels' });
      for (const p of pts.filter((p) => p.events).slice(0, 14)) {
        const [x, y] = P(p.lon, p.lat);
        labels.append(s('text', { x: (x + 6).toFixed(1), y: (y - 6).toFixed(1) }, p.name));
      }
      layer.append(labels);
      info.textContent = fmt(total) + ' events at ' + withEv + ' places in the window; ' + pts.length + ' places plotted.';
    }
    let timer = null;
    slider.addEventListener('input', load);
    periodSel.addEventListener('change', () => { setPeriod(); load(); });
    windowSel.addEventListener('change', load);
    play.addEventListener('click', () => {
      if (timer) { clearInterval(timer); timer = null; play.textContent = 'Play'; return; }
      if (Number(slider.value) >= nd) slider.value = 0;
      play.textContent = 'Pause';
      timer = setInterval(() => {
        if (Number(slider.value) >= nd) { clearInterval(timer); timer = null; play.textContent = 'Play'; return; }
        slider.value = Number(slider.value) + Math.max(1, Math.round(nd / 60));
        load();
      }, 350);
    });
    await load();
  };

  // ---- Claims ------------------------------------------------------------
  pages.claims = async function () {
    const [cl, dis] = await Promise.all([api('claims', { limit: 5000 }), api('disagreements')]);
    clear(main);
    main.append(title('Claims ledger', 'For each subject and category, every claimant\'s figure side by side, with dates and sources. Rows where claimants disagree are highlighted.'));
    const key = (r) => [r.subject || '', r.category || '', r.population || '', r.item || ''].join('|');
    const disagree = new Set(dis.disagreements.map((d) => [d.subject || '', d.category || '', d.population || '', d.item || ''].join('|')));
    const groups = new Map();
    const claimants = new Set();
    for (const c of cl.claims) {
      const k = key(c);
      if (!groups.has(k)) groups.set(k, { c: c, by: new Map() });
      const cm = c.claimant || 'unattributed';
      claimants.add(cm);
      const g = groups.get(k);
      if (!g.by.has(cm)) g.by.set(cm, []);
      g.by.get(cm).push(c);
    }
    const only = h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'only-dis' }), ' only disagreements');
    main.append(h('p', { class: 'summary' }, fmt(cl.claims.length) + ' claims in ' + groups.size + ' groups from ' + claimants.size + ' claimants; ' + disagree.size + ' disagreements. ', only));
    const disOf = new Map(dis.disagreements.map((x) => [[x.subject || '', x.category || '', x.population || '', x.item || ''].join('|'), x]));
    // Disagreements first, then the groups with the most claims.
    const order = [...groups.entries()].sort((x, y) => (disagree.has(y[0]) - disagree.has(x[0])) ||
      ([...y[1].by.values()].flat().length - [...x[1].by.values()].flat().length));
    const figure = (x) => {
      const ev = h('div', { class: 'evidence', hidden: true });
      const b = h('button', { type: 'button', class: 'linkish' }, sourceCount(x) + ' src');
      b.addEventListener('click', () => { ev.hidden = !ev.hidden; if (!ev.firstChild) ev.append(sourcesList(x.sources, sourceCount(x))); });
      return h('div', { class: 'claim' },
        h('span', { class: 'n' }, (x.value && x.value.raw) || fmt(x.value && x.value.low)),
        h('span', { class: 'muted mono' }, ' ' + ((x.date && x.date.value) || '')), ' ', b, ev);
    };
    const rows = [];
    for (const [k, g] of order) {
      const c = g.c;
      const isDis = disagree.has(k);
      const d = disOf.get(k);
      const boxes = [...g.by.entries()].sort((x, y) => ((x[0] === 'unattributed') - (y[0] === 'unattributed')) || x[0].localeCompare(y[0])).map(([cm, list]) =>
        h('div', { class: 'claimant' },
          h('div', { class: 'who' }, cm === 'unattributed' ? h('span', { class: 'muted' }, 'unattributed') : h('a', { href: actorHref(cm) }, cm)),
          list.map(figure)));
      rows.push(h('tr', { class: isDis ? 'dis' : null, 'data-dis': isDis ? '1' : '0' },
        h('td', {}, c.subject ? h('a', { href: actorHref(c.subject) }, c.subject) : h('span', { class: 'muted' }, '—')),
        h('td', {}, c.category, c.population ? h('span', { class: 'muted' }, ' · ' + c.population) : null, c.item ? h('span', { class: 'muted' }, ' · ' + c.item) : null,
          isDis ? h('div', { class: 'range' }, 'low ' + fmt(d && d.low) + ' · best ' + fmt(d && d.best) + ' · high ' + fmt(d && d.high)) : null),
        h('td', {}, h('div', { class: 'claimants' }, boxes))));
    }
    const tbl = table(['subject', 'category', 'figures, by claimant'], rows, 'grid ledger');
    main.append(rows.length ? tbl : h('p', { class: 'muted' }, 'No claims recorded.'));
    document.getElementById('only-dis').addEventListener('change', (ev) => {
      for (const r of rows) r.hidden = ev.target.checked && r.getAttribute('data-dis') !== '1';
    });
  };

  // ---- Stances -----------------------------------------------------------
  pages.stances = async function () {
    const st = await api('stances');
    clear(main);
    main.append(title('Stance matrix', 'Outside actors against Armenia, Azerbaijan and Artsakh, from the events they directed at each. Open a cell to read its evidence.'));
    const names = st.names || {};
    // Most evidence first.
    const weight = new Map();
    for (const x of st.stances) weight.set(x.actor, (weight.get(x.actor) || 0) + x.evidence.length);
    const actors = [...weight.keys()].sort((a, b) => (weight.get(b) - weight.get(a)) || (names[a] || a).localeCompare(names[b] || b));
    const cell = new Map(st.stances.map((x) => [x.actor + '|' + x.target, x]));
    if (!actors.length) { main.append(h('p', { class: 'muted' }, 'No stances recorded.')); return; }
    const rows = actors.map((a) => h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: actorHref(a) }, names[a] || a)),
      st.parties.map((p) => {
        const c = cell.get(a + '|' + p);
        if (!c) return h('td', { class: 'st none' }, '·');
        const item = (id) => {
          const e = st.events[String(id)];
          if (!e) return h('li', {}, h('span', { class: 'muted' }, 'event ' + id));
          const src = e.sources && e.sources[0];
          const line = (e.text || '').length > 110 ? e.text.slice(0, 110) + '…' : (e.text || '');
          return h('li', {}, typeBadge(e.type, e.mode), ' ', h('span', { class: 'mono' }, dateText(e.date)), ' ',
            src ? h('a', { href: docHref(src.doc_id, src.span), title: e.text || '' }, line) : line);
        };
        const shown = h('ul', { class: 'cellev' }, c.evidence.slice(0, 3).map(item));
        const rest = h('ul', { class: 'cellev', hidden: true });
        const b = h('button', { type: 'button', class: 'cellbtn' },
          h('span', { class: 'stance' }, c.stance),
          h('span', { class: 'counts', title: 'supportive, hostile, neutral events' }, '+' + c.supportive + ' −' + c.hostile + ' ·' + c.neutral));
        const more = c.evidence.length > 3 ? h('button', { type: 'button', class: 'linkish more' }, 'all ' + c.evidence.length + ' events') : null;
        const toggle = () => {
          rest.hidden = !rest.hidden;
          if (!rest.firstChild) add(rest, c.evidence.slice(3).map(item));
        };
        b.addEventListener('click', toggle);
        if (more) more.addEventListener('click', toggle);
        const ev = h('div', { class: 'cellbody' }, shown, rest, more);
        return h('td', { class: 'st s-' + c.stance }, b, ev);
      })));
    main.append(table(['', ...st.parties.map((p) => names[p] || p)], rows, 'grid matrix'));
  };

  // ---- Search ------------------------------------------------------------
  // Snippets wrap matches in [ ]; they become <mark> elements.
  function snippet(text) {
    const out = [];
    const re = /\[([^\[\]]*)\]/g;
    let last = 0, m;
    while ((m = re.exec(text))) {
      if (m.index > last) out.push(text.slice(last, m.index));
      out.push(h('mark', {}, m[1]));
      last = m.index + m[0].length;
    }
    if (last < text.length) out.push(text.slice(last));
    return out;
  }
  pages.search = async function () {
    const q = params.get('q') || '';
    clear(main);
    main.append(title('Search', 'Full-text search over every sentence of every document.'));
    const input = h('input', { type: 'search', name: 'q', value: q, id: 'search-q', placeholder: 'e.g. ceasefire Shusha' });
    main.append(h('form', { class: 'filters', action: '/search', method: 'get' }, h('label', { class: 'wide' }, 'Words', input), h('div', { class: 'buttons' }, h('button', { type: 'submit' }, 'Search'))));
    if (!q.trim()) return;
    let res;
    try { res = await api('search', { q: q, limit: 100 }); } catch (e) { main.append(h('div', { class: 'error' }, e.message)); return; }
    main.append(h('p', { class: 'summary' }, res.hits.length + ' sentences match.'));
    main.append(h('ol', { class: 'hits' }, res.hits.map((x) => h('li', {},
      h('p', { class: 'snip' }, snippet(x.snippet)),
      h('div', { class: 'src' }, h('a', { href: docHref(x.doc_id, x.span) }, shortName(x.doc)),
        h('span', { class: 'muted mono' }, ' bytes ' + x.span[0] + '–' + x.span[1]))))));
  };

  // ---- Actors and places -------------------------------------------------
  pages.actors = async function () {
    const res = await api('actors');
    clear(main);
    main.append(title('Actors', 'Every actor the documents mention, with how often they act in events.'));
    main.append(table(['actor', 'type', 'country', 'mentions', 'events'], res.actors.map((a) => h('tr', {},
      h('td', {}, h('a', { href: actorHref(a.id) }, a.name)), h('td', {}, a.type), h('td', {}, a.country || ''),
      h('td', { class: 'r' }, fmt(a.mentions)), h('td', { class: 'r' }, fmt(a.events))))));
  };
  pages.actor = async function () {
    const id = decodeURIComponent(location.pathname.split('/')[2] || '');
    const res = await api('actors/' + enc(id));
    const a = res.actor;
    clear(main);
    main.append(title(a.name || a.id, [a.type, a.country, a.sector].filter(Boolean).join(' · ')));
    main.append(h('dl', { class: 'facts' },
      h('dt', {}, 'id'), h('dd', { class: 'mono' }, a.id),
      h('dt', {}, 'also called'), h('dd', {}, (a.aliases || []).slice(1).join(', ') || '—'),
      h('dt', {}, 'mentions'), h('dd', {}, fmt(res.mentions)),
      h('dt', {}, 'events'), h('dd', {}, h('a', { href: '/timeline?actor=' + enc(a.id) }, fmt(res.events.length) + ' as actor'), ', ',
        h('a', { href: '/timeline?recipient=' + enc(a.id) }, fmt(res.received.length) + ' as recipient'))));
    main.append(h('section', {}, h('h2', {}, 'What ' + (a.name || a.id) + ' did'), eventsTable(res.events)));
    main.append(h('section', {}, h('h2', {}, 'What was done to ' + (a.name || a.id)), eventsTable(res.received)));
    if (res.claims.length) {
      main.append(h('section', {}, h('h2', {}, 'Figures claimed'), table(['subject', 'category', 'figure', 'date', 'evidence'], res.claims.map((c) => h('tr', {},
        h('td', {}, c.subject || ''), h('td', {}, c.category), h('td', { class: 'r' }, (c.value && c.value.raw) || ''), h('td', { class: 'mono' }, (c.date && c.date.value) || ''),
        h('td', {}, c.sources[0] ? h('a', { href: docHref(c.sources[0].doc_id, c.sources[0].span) }, c.text || 'source') : c.text))))));
    }
  };
  pages.places = async function () {
    const res = await api('places');
    clear(main);
    main.append(title('Places', 'Every place the documents mention; see them on the map.'));
    main.append(table(['place', 'lat', 'lon', 'mentions', 'events'], res.places.map((p) => h('tr', {},
      h('td', {}, h('a', { href: placeHref(p.id) }, p.name)), h('td', { class: 'r mono' }, p.lat === null ? '' : p.lat.toFixed(3)),
      h('td', { class: 'r mono' }, p.lon === null ? '' : p.lon.toFixed(3)),
      h('td', { class: 'r' }, fmt(p.mentions)), h('td', { class: 'r' }, fmt(p.events))))));
  };
  pages.place = async function () {
    const id = decodeURIComponent(location.pathname.split('/')[2] || '');
    const res = await api('places/' + enc(id));
    const p = res.place;
    clear(main);
    main.append(title(p.name || p.id, [p.place_type || p.type, p.province, p.country].filter(Boolean).join(' · ')));
    const box = h('div', { class: 'placegrid' });
    box.append(h('dl', { class: 'facts' },
      h('dt', {}, 'id'), h('dd', { class: 'mono' }, p.id),
      h('dt', {}, 'coordinates'), h('dd', { class: 'mono' }, p.lat != null ? p.lat.toFixed(4) + ', ' + p.lon.toFixed(4) : '—'),
      h('dt', {}, 'also called'), h('dd', {}, (p.aliases || []).slice(1).join(', ') || '—'),
      h('dt', {}, 'mentions'), h('dd', {}, fmt(res.mentions)),
      h('dt', {}, 'events'), h('dd', {}, h('a', { href: '/timeline?place=' + enc(p.id) }, fmt(res.events.length)))));
    if (p.lat != null) {
      const W = 420, H = 250;
      const svg = s('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'map small' });
      box.append(svg);
      drawBase(svg, W, H).then((P) => {
        const [x, y] = P(p.lon, p.lat);
        svg.append(s('circle', { cx: x, cy: y, r: 6, class: 'pt ev' }));
      });
    }
    main.append(box);
    main.append(h('section', {}, h('h2', {}, 'Events here'), eventsTable(res.events)));
  };

  // ---- Documents ---------------------------------------------------------
  // A page of documents at a time: a large knowledge base holds tens of
  // thousands of them.
  pages.documents = async function () {
    const limit = 100;
    const offset = Math.max(0, parseInt(params.get('offset') || '0', 10) || 0);
    const res = await api('documents', { limit: limit, offset: offset });
    clear(main);
    const shown = res.documents.length ? fmt(offset + 1) + '–' + fmt(offset + res.documents.length) + ' of ' + fmt(res.total) : 'none of ' + fmt(res.total);
    main.append(title('Documents', 'Every stored document, in the order it was ingested: ' + shown + '.'));
    const pager = () => h('p', { class: 'pager' },
      offset > 0 ? h('a', { href: '/documents?offset=' + Math.max(0, offset - limit), rel: 'prev' }, '← previous') : null,
      offset > 0 && offset + limit < res.total ? ' · ' : null,
      offset + limit < res.total ? h('a', { href: '/documents?offset=' + (offset + limit), rel: 'next' }, 'next →') : null);
    main.append(docTable(res.documents), pager());
  };
  function docTable(docs, rel) {
    return table(['document', 'name', 'format', 'sentences', 'bytes', 'ingested', 'relations'], docs.map((d) => h('tr', {},
      h('td', {}, h('a', { href: '/documents/' + enc(d.id) }, d.title || shortName(d.name))),
      h('td', { class: 'mono small' }, shortName(d.name)), h('td', {}, d.format),
      h('td', { class: 'r' }, fmt(d.sentences)), h('td', { class: 'r' }, fmt(d.bytes)), h('td', { class: 'mono small' }, d.ingested_at),
      h('td', {}, rel ? rel(d) : ''))));
  }
  function parseHl(v) {
    return (v || '').split(',').map((x) => x.split('-').map(Number)).filter((x) => x.length === 2 && x.every(Number.isFinite));
  }
  pages.document = async function () {
    const id = decodeURIComponent(location.pathname.split('/')[2] || '');
    const [d, an] = await Promise.all([api('documents/' + enc(id), { text: 'none' }), api('documents/' + enc(id) + '/annotated')]);
    const hl = parseHl(params.get('hl'));
    clear(main);
    main.append(title(d.title || shortName(d.name), shortName(d.name) + ' · ' + d.format + ' · ' + fmt(d.bytes) + ' bytes · ' + fmt(d.sentences) + ' sentences' + (d.doc_date ? ' · dated ' + d.doc_date : '')));
    const evBySpan = new Map();
    for (const e of an.events) {
      for (const b of an.blocks) {
        if (b.span && b.span[0] <= e.span[0] && e.span[1] <= b.span[1] + 1) {
          if (!evBySpan.has(b.sentence)) evBySpan.set(b.sentence, []);
          evBySpan.get(b.sentence).push(e);
          break;
        }
      }
    }
    const toggles = h('div', { class: 'toggles' },
      ['mention', 'timex', 'event'].map((k) => h('label', { class: 'check k-' + k }, h('input', { type: 'checkbox', checked: true, 'data-kind': k }),
        ' ' + { mention: 'actors & places', timex: 'dates', event: 'event sentences' }[k])));
    const text = h('article', { class: 'doctext', id: 'doctext' });
    let firstHl = null;
    for (const b of an.blocks) {
      if (b.sentence === undefined) { text.append(h('span', { class: 'gap' }, b.pieces.map((p) => p.t))); continue; }
      const evs = evBySpan.get(b.sentence) || [];
      const isHl = hl.some(([a, z]) => a < b.span[1] && z > b.span[0]);
      const sent = h('span', {
        class: 'sent' + (evs.length ? ' has-event' : '') + (isHl ? ' hl' : '') + (b.kind && b.kind !== 'sentence' ? ' k-' + b.kind : ''),
        id: 's' + b.sentence, 'data-start': b.span[0], 'data-end': b.span[1],
        title: evs.length ? evs.map((e) => e.type + ' (event ' + e.id + ')').join(', ') : null,
      }, b.pieces.map((p) => {
        if (!p.k) return p.t;
        const attrs = { class: 'mark m-' + p.k, title: p.label };
        if (p.href) { attrs.href = p.href; return h('a', attrs, p.t); }
        return h('span', attrs, p.t);
      }));
      if (isHl && !firstHl) firstHl = sent;
      text.append(sent);
    }
    const rawPanel = h('aside', { class: 'rawpanel', id: 'rawpanel' },
      h('h2', {}, 'Raw bytes'),
      h('p', { class: 'muted' }, 'Select text in the document to see the raw bytes behind it.'));
    const side = h('div', { class: 'side' }, rawPanel,
      h('section', {}, h('h2', {}, 'Events in this document'),
        an.events.length ? h('ul', { class: 'evlist' }, an.events.slice(0, 300).map((e) => h('li', {},
          h('a', { href: '#', 'data-jump': e.span[0] }, typeBadge(e.type), ' ', e.date || 'undated')))) : h('p', { class: 'muted' }, 'None.')),
      h('section', {}, h('h2', {}, 'Metadata'), h('dl', { class: 'facts small' },
        h('dt', {}, 'id'), h('dd', { class: 'mono' }, d.id),
        Object.entries(d.metadata || {}).slice(0, 20).map(([k, v]) => [h('dt', {}, k), h('dd', {}, typeof v === 'string' ? v : JSON.stringify(v))]),
        (d.warnings || []).length ? [h('dt', {}, 'warnings'), h('dd', {}, d.warnings.join('; '))] : null)));
    main.append(toggles, h('div', { class: 'docgrid' }, text, side));
    toggles.addEventListener('change', (ev) => {
      const k = ev.target.getAttribute('data-kind');
      text.classList.toggle('hide-' + k, !ev.target.checked);
    });
    side.addEventListener('click', (ev) => {
      const a = ev.target.closest('[data-jump]');
      if (!a) return;
      ev.preventDefault();
      const at = Number(a.getAttribute('data-jump'));
      for (const el of text.querySelectorAll('.sent')) {
        if (Number(el.getAttribute('data-start')) <= at && at < Number(el.getAttribute('data-end')) + 1) {
          for (const o of text.querySelectorAll('.sent.hl')) o.classList.remove('hl');
          el.classList.add('hl'); el.scrollIntoView({ block: 'center' });
          break;
        }
      }
    });
    text.addEventListener('mouseup', () => showRaw(an.doc_id, text, rawPanel));
    if (firstHl) {
      firstHl.scrollIntoView({ block: 'center' });
      const r = document.createRange();
      r.selectNodeContents(firstHl);
      showRawRange(an.doc_id, Number(firstHl.getAttribute('data-start')), Number(firstHl.getAttribute('data-end')), firstHl.textContent, rawPanel);
    }
  };
  function sentOf(node) {
    const el = node && (node.nodeType === 1 ? node : node.parentElement);
    return el ? el.closest('.sent') : null;
  }
  function showRaw(docId, text, panel) {
    const sel = window.getSelection();
    if (!sel || sel.isCollapsed || !sel.rangeCount) return;
    const r = sel.getRangeAt(0);
    let a = sentOf(r.startContainer), b = sentOf(r.endContainer);
    if (!a && !b) return;
    a = a || b; b = b || a;
    const start = Math.min(Number(a.getAttribute('data-start')), Number(b.getAttribute('data-start')));
    const end = Math.max(Number(a.getAttribute('data-end')), Number(b.getAttribute('data-end')));
    showRawRange(docId, start, end, sel.toString(), panel);
  }
  async function showRawRange(docId, start, end, selected, panel) {
    let res;
    try { res = await api('documents/' + enc(docId) + '/raw', { start: start, end: Math.min(end, start + 65536) }); } catch (e) { return; }
    clear(panel);
    panel.append(h('h2', {}, 'Raw bytes ' + res.span[0] + '–' + res.span[1]));
    const pre = h('pre', { class: 'raw', id: 'rawtext' });
    const needle = (selected || '').trim();
    const i = needle ? res.text.indexOf(needle) : -1;
    if (i >= 0) pre.append(res.text.slice(0, i), h('mark', {}, needle), res.text.slice(i + needle.length));
    else pre.append(res.text);
    panel.append(pre,
      h('p', { class: 'muted small' }, (res.utf8 ? 'valid UTF-8' : 'not valid UTF-8 (shown with replacement characters)') + ' · ' + fmt(res.bytes) + ' of ' + fmt(res.document_bytes) + ' bytes'),
      h('details', {}, h('summary', {}, 'hex'), h('pre', { class: 'raw hex' }, res.hex)));
  }

  // ---- Sources -----------------------------------------------------------
  pages.sources = async function () {
    const res = await api('sources');
    clear(main);
    main.append(title('Sources', 'Which of the ' + fmt(res.total_documents) + ' documents are copies, excerpts or revisions of which (by the sentences they share).'));
    const byId = new Map(res.documents.map((d) => [d.id, d]));
    const nm = (id) => { const d = byId.get(id); return d ? (d.title || shortName(d.name)) : id.slice(0, 12); };
    // Each document's relations, found once (not by a scan per document).
    const relsBy = new Map();
    for (const r of res.relations) for (const id of [r.a, r.b]) { if (!relsBy.has(id)) relsBy.set(id, []); relsBy.get(id).push(r); }
    const relOf = (d) => (relsBy.get(d.id) || []).map((r) => {
      const other = r.a === d.id ? r.b : r.a;
      const word = r.relation === 'excerpt' && r.b === d.id ? 'contains' : r.relation;
      return h('div', { class: 'rel r-' + r.relation }, h('span', { class: 'badge' }, word), word === 'contains' ? ' an excerpt, ' : ' of ',
        h('a', { href: '/documents/' + enc(other) }, nm(other)));
    });
    main.append(docTable(res.documents, relOf));
    main.append(h('section', {}, h('h2', {}, 'Copies and revisions'),
      res.relations.length ? table(['document', 'relation', 'document', 'shared sentences', 'overlap'], res.relations.map((r) => h('tr', { class: 'r-' + r.relation },
        h('td', {}, h('a', { href: '/documents/' + enc(r.a) }, nm(r.a))),
        h('td', {}, h('span', { class: 'badge' }, r.relation)),
        h('td', {}, h('a', { href: '/documents/' + enc(r.b) }, nm(r.b))),
        h('td', { class: 'r' }, fmt(r.shared) + ' (' + r.a_sentences + ' / ' + r.b_sentences + ')'),
        h('td', { class: 'r' }, Math.round(r.overlap * 100) + '%')))) : h('p', { class: 'muted' }, 'No document shares enough sentences with another.'),
      res.total_relations > res.relations.length
        ? h('p', { class: 'muted' }, 'The ' + fmt(res.relations.length) + ' closest of ' + fmt(res.total_relations) + ' related pairs.') : null,
      h('p', { class: 'muted small' }, 'Read each row as "document, relation of, document". A copy shares at least 80% of the smaller document\'s sentences (of 40+ characters) and is of similar size; an excerpt is a smaller document whose sentences are nearly all in the larger; a revision shares at least 20%.')));
  };

  pages.notfound = async function () {
    clear(main);
    main.append(title('Not found', 'There is no page at this address.'), h('p', {}, h('a', { href: '/' }, 'Back to the overview')));
  };

  // ---- Start -------------------------------------------------------------
  for (const a of document.querySelectorAll('nav a[data-nav]')) {
    const p = a.getAttribute('data-nav');
    if (p === location.pathname || (p !== '/' && location.pathname.startsWith(p))) a.classList.add('on');
  }
  const q = document.querySelector('header .qs input');
  if (q && page === 'search') q.value = params.get('q') || '';
  const run = pages[page] || pages.notfound;
  run().then(() => document.body.setAttribute('data-ready', '1'), (e) => { fail(e); document.body.setAttribute('data-ready', 'error'); });
})();
