// The span reader (loaded by span_reader.py): text as DOM text nodes and <mark>s built from data
// (never innerHTML of document text or code names), code names in the margin, a toolbar at the
// selection, quick keys 1-9, scrolling to an offset. Offsets sent back are code points.
export default function (component) {
  const { data, setStateValue, setTriggerValue, parentElement } = component;
  const wrap = parentElement.querySelector('.qda-wrap');
  const root = parentElement.querySelector('.qda-reader');
  const margin = parentElement.querySelector('.qda-margin');
  const bar = parentElement.querySelector('.qda-toolbar');
  const toast = parentElement.querySelector('.qda-toast');
  const anchor = parentElement.querySelector('.qda-anchor');
  if (!root || !data) return;
  root.__qdaData = data;
  wrap.classList.toggle('qda-has-margin', !!data.margin);
  const nonce = () => Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
  const act = (payload) => setTriggerValue('action', { ...payload, nonce: nonce() });

  // Rebuild only when the content changed, so a rerun caused by the selection itself keeps it.
  // New content from elsewhere (another member's coding, shown by a live rerun) waits while the
  // person drags or types in the toolbar, and the selection they hold is selected again after it.
  const sig = `${data.doc_id}|${data.base}|${(data.text || '').length}|` +
    JSON.stringify(data.intervals || []);
  root.__qdaFlush = () => {
    if (root.__qdaSig === sig || (busy() && !root.__qdaRestore)) return;  // own action: now
    root.__qdaSig = sig; rebuildKeeping();
  };
  root.__qdaFlush();
  layout();
  if (!root.__qdaRO && window.ResizeObserver) {
    root.__qdaRO = new ResizeObserver(() => requestAnimationFrame(layout));
    root.__qdaRO.observe(root);
  }
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(() => layout());
  showNotice();
  maybeScroll();
  qdaReaderMedia({ root, wrap, anchor, data, rangeOf, act });

  function busy() {  // a mouse button down on the text, or typing in the toolbar's box
    const active = root.getRootNode().activeElement;
    return !!root.__qdaDown || (!bar.hidden && !!active && bar.contains(active));
  }
  function rebuildKeeping() {
    const held = current() || (root.__qdaBar ? { ...root.__qdaBar } : null);
    const shown = !bar.hidden;
    const doc = root.dataset.doc, base = root.dataset.base;
    build();
    if (root.__qdaRestore) { restore(); return; }  // after an apply: its own selection
    if (!held || doc !== String(data.doc_id) || base !== String(data.base)) return;
    const r = select(held);
    if (shown) showBar(held, r);
  }

  function build() {
    const chars = Array.from(data.text || '');
    const frag = document.createDocumentFragment();
    let pos = 0, focusEl = null;
    for (const iv of (data.intervals || [])) {
      if (iv.s > pos) frag.appendChild(document.createTextNode(chars.slice(pos, iv.s).join('')));
      const m = document.createElement('mark');
      m.textContent = chars.slice(iv.s, iv.e).join('');
      m.style.background = iv.bg || 'transparent';
      const lines = iv.lines || [];
      m.style.boxShadow = lines.map((c, i) => `inset 0 -${3 * (i + 1)}px 0 ${c}`).join(', ');
      m.style.setProperty('--pad', `${Math.max(2, 3 * lines.length)}px`);
      m.title = iv.title || '';
      m.dataset.codings = (iv.ids || []).join(' ');
      if (iv.focus) { m.classList.add('qda-focus'); if (!focusEl) focusEl = m; }
      frag.appendChild(m);
      pos = iv.e;
    }
    if (pos < chars.length) frag.appendChild(document.createTextNode(chars.slice(pos).join('')));
    root.replaceChildren(frag);
    hideBar();
    if (root.dataset.doc !== String(data.doc_id) || root.dataset.base !== String(data.base)) {
      root.__qdaLast = null; root.__qdaRestore = null;
    }
    root.dataset.doc = String(data.doc_id);
    root.dataset.base = String(data.base);
    if (data.scroll_to == null && focusEl && root.dataset.scrolled !== data.focus_key) {
      root.dataset.scrolled = data.focus_key || '';
      focusEl.scrollIntoView({ block: 'center' });
    }
  }

  // --- offsets <-> DOM -------------------------------------------------------------------
  function locate(off) {  // window code-point offset -> [text node, UTF-16 offset]
    const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let pos = 0, last = null;
    while (w.nextNode()) {
      const n = w.currentNode, cps = Array.from(n.data);
      if (pos + cps.length >= off) return [n, cps.slice(0, Math.max(0, off - pos)).join('').length];
      pos += cps.length; last = n;
    }
    return last ? [last, last.data.length] : [root, 0];
  }
  function rangeOf(s, e) {
    const r = document.createRange();
    const [a, ao] = locate(s), [b, bo] = locate(e);
    r.setStart(a, ao); r.setEnd(b, bo);
    return r;
  }
  function domSelection() {
    return (parentElement.getSelection ? parentElement.getSelection() : null)
      || document.getSelection();
  }
  function current() {
    const sel = domSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const r = sel.getRangeAt(0);
    if (!root.contains(r.startContainer) || !root.contains(r.endContainer)) return null;
    const pre = document.createRange();
    pre.selectNodeContents(root);
    pre.setEnd(r.startContainer, r.startOffset);
    const d = root.__qdaData;
    const start = Array.from(pre.toString()).length;
    const end = start + Array.from(r.toString()).length;
    if (end <= start) return null;
    return { doc: d.doc_id, start: d.base + start, end: d.base + end, nonce: nonce() };
  }
  function select(s) {  // make [s.start, s.end) (document offsets) the DOM selection
    const d = root.__qdaData;
    const r = rangeOf(s.start - d.base, s.end - d.base);
    const sel = document.getSelection();
    try { sel.removeAllRanges(); sel.addRange(r); } catch (e) { /* selection unsupported */ }
    root.__qdaLast = { ...s };
    return r;
  }

  // --- the toolbar at the selection --------------------------------------------------------
  function hideBar() { bar.hidden = true; bar.replaceChildren(); root.__qdaBar = null; }
  function button(label, onclick, opts = {}) {
    const b = document.createElement('button');
    b.type = 'button';
    if (opts.key) { const k = document.createElement('kbd'); k.textContent = String(opts.key); b.append(k); }
    if (opts.color) {
      const dot = document.createElement('span'); dot.className = 'qda-dot';
      dot.style.background = opts.color; b.append(dot);
    }
    b.append(document.createTextNode(label));
    b.title = opts.title || label;
    if (opts.testid) b.dataset.testid = opts.testid;
    b.onmousedown = (ev) => ev.preventDefault();  // keep the text selection
    b.onclick = (ev) => { ev.preventDefault(); onclick(); };
    return b;
  }
  function showBar(s, range, picked) {
    const d = root.__qdaData;
    if (!d.toolbar) return;
    hideBar();
    root.__qdaBar = s;
    const apply = (id) => { root.__qdaRestore = { ...s }; act({ kind: 'apply', code: id, selection: { ...s } }); };
    if (picked) {
      const row = document.createElement('div'); row.className = 'qda-row';
      const info = document.createElement('span'); info.className = 'qda-muted';
      info.textContent = `${picked.label} · ${picked.coder}`;
      row.append(info, button('Remove this coding', () => { hideBar(); act({ kind: 'remove', id: picked.id }); },
        { testid: 'qda-bar-remove' }));
      bar.append(row);
    }
    const quick = d.quick || [];
    if (quick.length) {
      const row = document.createElement('div'); row.className = 'qda-row';
      for (const q of quick) {
        row.append(button(q.path, () => apply(q.id),
          { key: q.key, color: q.color, title: `${q.path} (key ${q.key})`, testid: 'qda-bar-quick' }));
      }
      bar.append(row);
    }
    const row = document.createElement('div'); row.className = 'qda-row';
    const inp = document.createElement('input');
    inp.type = 'text'; inp.placeholder = 'Code… type to find or create';
    inp.setAttribute('aria-label', 'Code the selection with');
    inp.dataset.testid = 'qda-bar-input';
    const close = button('×', hideBar, { title: 'Close (Esc)' }); close.classList.add('qda-close');
    row.append(inp, close);
    const list = document.createElement('div'); list.className = 'qda-list';
    bar.append(row, list);
    const codes = d.codes || [];
    let first = null;
    const refresh = () => {
      list.replaceChildren(); first = null;
      const q = inp.value.trim().toLowerCase();
      if (!q) { const hint = document.createElement('span'); hint.className = 'qda-muted';
        hint.textContent = quick.length ? 'Keys 1-9 apply the pinned codes.' : 'Pin codes to keys 1-9 in the panel on the right.';
        list.append(hint); return; }
      const hits = codes.filter((c) => c.path.toLowerCase().includes(q)).slice(0, 8);
      for (const c of hits) {
        const b = button(c.path, () => apply(c.id), { color: c.color, testid: 'qda-bar-code' });
        list.append(b); if (!first) first = () => apply(c.id);
      }
      if (!codes.some((c) => c.path.toLowerCase() === q)) {
        const name = inp.value.trim();
        const b = button(`Create “${name}” and apply`, () => {
          root.__qdaRestore = { ...s }; act({ kind: 'create', name, selection: { ...s } });
        }, { testid: 'qda-bar-create' });
        list.append(b); if (!first) first = () => b.click();
      }
    };
    inp.oninput = refresh;
    inp.onblur = () => setTimeout(() => root.__qdaFlush(), 0);
    inp.onkeydown = (ev) => {
      ev.stopPropagation();
      if (ev.key === 'Enter' && first) { ev.preventDefault(); first(); }
      if (ev.key === 'Escape') { hideBar(); root.focus({ preventScroll: true }); }
    };
    refresh();
    bar.hidden = false;
    place(range);
  }
  function place(range) {
    const rects = range ? Array.from(range.getClientRects()) : [];
    const wr = wrap.getBoundingClientRect();
    const last = rects.length ? rects[rects.length - 1] : root.getBoundingClientRect();
    const top = last.bottom - wr.top + 6;
    const width = bar.offsetWidth || 300;
    const left = Math.max(0, Math.min(last.left - wr.left - 20, wrap.clientWidth - width - 4));
    bar.style.top = `${top}px`; bar.style.left = `${left}px`;
  }
  function restore() {  // after an apply rebuilt the text: select the same span again
    const s = root.__qdaRestore; root.__qdaRestore = null;
    if (!s || s.doc !== data.doc_id || s.start < data.base) return;
    requestAnimationFrame(() => {
      const r = select(s); showBar(s, r); root.focus({ preventScroll: true });
    });
  }

  // --- code names in the margin --------------------------------------------------------------
  function layout() {
    const d = root.__qdaData;
    if (!d.margin) { margin.replaceChildren(); return; }
    const mr = margin.getBoundingClientRect();
    const spans = new Map();
    for (const m of root.querySelectorAll('mark')) {
      const ids = m.dataset.codings ? m.dataset.codings.split(' ') : [];
      if (!ids.length) continue;
      const rects = m.getClientRects(); if (!rects.length) continue;
      const top = rects[0].top - mr.top, bottom = rects[rects.length - 1].bottom - mr.top;
      for (const id of ids) {
        const v = spans.get(id);
        if (!v) spans.set(id, { top, bottom });
        else { v.top = Math.min(v.top, top); v.bottom = Math.max(v.bottom, bottom); }
      }
    }
    const items = (d.codings || []).filter((c) => spans.has(String(c.id)))
      .map((c) => ({ ...c, ...spans.get(String(c.id)) }));
    items.sort((a, b) => a.top - b.top || (b.bottom - b.top) - (a.bottom - a.top));
    const lanes = [];
    for (const it of items) {
      let l = lanes.findIndex((bottom) => bottom < it.top - 1);
      if (l < 0) { if (lanes.length < 8) { l = lanes.length; lanes.push(0); } else l = lanes.length - 1; }
      lanes[l] = Math.max(lanes[l], it.bottom); it.lane = l;
    }
    const labelLeft = lanes.length * 6 + 4;
    const frag = document.createDocumentFragment();
    let next = 0;
    for (const it of items) {
      const picked = String(d.selected) === String(it.id);
      const stripe = document.createElement('div');
      stripe.className = 'qda-stripe' + (picked ? ' qda-selected' : '');
      stripe.style.left = `${it.lane * 6}px`; stripe.style.top = `${it.top}px`;
      stripe.style.height = `${Math.max(4, it.bottom - it.top)}px`;
      stripe.style.background = it.color;
      const lab = document.createElement('div');
      lab.className = 'qda-label' + (picked ? ' qda-selected' : '');
      lab.dataset.testid = 'qda-margin-label'; lab.dataset.coding = String(it.id);
      const top = Math.max(it.top, next); next = top + 23;
      lab.style.top = `${top}px`; lab.style.left = `${labelLeft}px`;
      const name = document.createElement('button');
      name.type = 'button'; name.className = 'qda-label-name';
      const dot = document.createElement('span'); dot.className = 'qda-dot';
      dot.style.background = it.color;
      name.append(dot, document.createTextNode(it.label));
      name.title = `${it.label} · ${it.coder}: click to select this coding`;
      name.onmousedown = (ev) => ev.preventDefault();
      name.onclick = () => {
        const s = { doc: d.doc_id, start: d.base + it.s, end: d.base + it.e, nonce: nonce() };
        const r = select(s); showBar(s, r, it);
        act({ kind: 'select', id: it.id, selection: s });
      };
      const del = document.createElement('button');
      del.type = 'button'; del.className = 'qda-label-del'; del.textContent = '×';
      del.title = `Remove this coding (${it.label} · ${it.coder})`;
      del.setAttribute('aria-label', `Remove coding ${it.label} by ${it.coder}`);
      del.onmousedown = (ev) => ev.preventDefault();
      del.onclick = () => { hideBar(); act({ kind: 'remove', id: it.id }); };
      if (it.t0 != null) {  // play the coding's span (reader_media.js)
        const play = document.createElement('button');
        play.type = 'button'; play.className = 'qda-label-play'; play.textContent = '▶';
        play.dataset.testid = 'qda-coding-play'; play.dataset.coding = String(it.id);
        play.title = `Play this coding (${qdaClock(it.t0)}–${qdaClock(it.t1 ?? it.t0)})`;
        play.onmousedown = (ev) => ev.preventDefault();
        play.onclick = () => qdaPlay(it.t0, it.t1);
        lab.append(play);
      }
      lab.append(name, del);
      frag.append(stripe, lab);
    }
    margin.replaceChildren(frag);
    margin.style.minHeight = `${next}px`;
    for (const m of root.querySelectorAll('mark')) {
      m.classList.toggle('qda-picked', (m.dataset.codings || '').split(' ').includes(String(d.selected)));
    }
  }

  // --- notices (outcome of an action, at the bottom of the screen) ---------------------------
  function showNotice() {
    const n = data.notice;
    if (!n || !n.id || root.__qdaNotice === n.id) return;
    root.__qdaNotice = n.id;
    toast.replaceChildren();
    toast.classList.toggle('qda-error', n.kind === 'error');
    const t = document.createElement('span'); t.textContent = n.text || '';
    toast.append(t);
    if (n.undo) {
      const u = document.createElement('button'); u.type = 'button'; u.textContent = 'Undo';
      u.onclick = () => { toast.hidden = true; act({ kind: 'undo' }); };
      toast.append(u);
    }
    toast.hidden = false;
    clearTimeout(root.__qdaToastTimer);
    root.__qdaToastTimer = setTimeout(() => { toast.hidden = true; }, n.kind === 'error' ? 9000 : 5000);
  }

  // --- scrolling to an offset (search hit, "Show") ---------------------------------------------
  function maybeScroll() {
    if (data.scroll_to == null) return;
    const key = `${data.doc_id}|${data.scroll_to}|${data.scroll_key || ''}`;
    if (root.__qdaScrolled === key) return;
    root.__qdaScrolled = key;
    let moved = false;
    const stop = () => { moved = true; };
    for (const ev of ['wheel', 'touchstart', 'mousedown']) {
      window.addEventListener(ev, stop, { once: true, capture: true, passive: true });
    }
    const off = Math.max(0, data.scroll_to - data.base);
    let selected = false;
    const go = () => {
      if (moved || root.__qdaScrolled !== key) return;
      // a collapsed range right after a line break has no box: measure the next character
      const next = Math.min(off + 1, Array.from(data.text || '').length);
      const boxes = Array.from(rangeOf(off, next).getClientRects()).filter((b) => b.height > 0);
      const rect = boxes.length ? boxes[boxes.length - 1] : rangeOf(off, off).getBoundingClientRect();
      const wr = wrap.getBoundingClientRect();
      anchor.style.top = `${rect.top - wr.top}px`;
      anchor.scrollIntoView({ block: 'center' });
      const h = data.highlight;
      if (data.select_highlight && h && !selected) {
        selected = true;
        const s = { doc: data.doc_id, start: h[0], end: h[1], nonce: nonce() };
        const rr = select(s);
        root.focus({ preventScroll: true });
        showBar(s, rr);
        setStateValue('selection', s);
      } else if (root.__qdaBar && root.__qdaLast) {
        place(rangeOf(root.__qdaLast.start - data.base, root.__qdaLast.end - data.base));
      }
      root.dataset.scrolledTo = key;
    };
    requestAnimationFrame(go);
    for (const t of [250, 700, 1500, 3000]) setTimeout(go, t);
  }

  // --- mouse and keys ----------------------------------------------------------------------
  root.onmousedown = () => {
    if (root.__qdaBar) hideBar();
    root.__qdaDown = true;
    const up = () => { root.__qdaDown = false; setTimeout(() => root.__qdaFlush(), 0); };
    window.addEventListener('mouseup', up, { once: true, capture: true });
  };
  root.onmouseup = () => {
    const s = current();
    if (s) {
      root.__qdaLast = s;
      root.focus({ preventScroll: true });
      setStateValue('selection', s);
      const sel = domSelection();
      showBar(s, sel && sel.rangeCount ? sel.getRangeAt(0) : null);
    }
  };
  root.onkeyup = (ev) => {
    if (ev.key && ev.key.startsWith('Shift')) {
      const s = current();
      if (s) {
        root.__qdaLast = s; setStateValue('selection', s);
        const sel = domSelection(); showBar(s, sel.getRangeAt(0));
      }
    }
  };
  root.onkeydown = (ev) => {
    if (ev.key === 'Escape') { hideBar(); return; }
    if (/^[1-9]$/.test(ev.key) && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
      const s = current() || root.__qdaLast;
      if (s) {
        ev.preventDefault();
        root.__qdaRestore = { ...s };
        const payload = { key: Number(ev.key), selection: { ...s, nonce: nonce() } };
        act({ kind: 'key', ...payload });
      }
    }
  };
}
