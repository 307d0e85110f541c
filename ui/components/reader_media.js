
// --- the recording beside the reader (concatenated after span_reader.js by span_reader.py) ----
// A "▶ 00:00:10" button beside each timed turn plays from it; the reader follows the playing
// turn with the CSS Custom Highlight API (no DOM change, so the coder's selection stays) and
// `data-playing-turn` on the wrapper, and scrolls it into view unless the coder scrolled, clicked
// or typed in the last 3 s. Talks to media_player.js through window events. With `data.align`
// each turn also gets a "⚑ here" button: "this turn starts here" at the player's current time
// (an action {kind: 'align', doc, turn, t} for Python to store).
const QDA_IDLE_MS = 3000;

function qdaTurnAt(turns, t) {  // as interviews.turn_at
  const timed = turns.filter((x) => x.t0 != null);
  let playing = null;
  for (let i = 0; i < timed.length; i++) {
    const x = timed[i];
    if (x.t0 > t) break;
    let end = x.t1;
    if (end == null && i + 1 < timed.length) end = timed[i + 1].t0;
    playing = (end == null || t < end) ? x : null;
  }
  return playing;
}

function qdaClock(s) {
  s = Math.max(0, Math.floor(s || 0));
  const p = (n) => String(n).padStart(2, '0');
  return `${p(Math.floor(s / 3600))}:${p(Math.floor((s % 3600) / 60))}:${p(s % 60)}`;
}

function qdaPlay(t, until) {
  window.dispatchEvent(new CustomEvent('qda-media-seek', { detail: { t, until } }));
}

function qdaAlignButton(root, x, top) {
  const b = document.createElement('button');
  b.type = 'button'; b.className = 'qda-turn-align';
  b.dataset.testid = 'qda-turn-align'; b.dataset.turn = String(x.no);
  b.textContent = '⚑ here';
  b.title = `This turn starts here: turn ${x.no} starts at the player's current time`;
  b.style.top = `${top}px`;
  b.onmousedown = (ev) => ev.preventDefault();
  b.onclick = () => {
    const M = window.__qdaMedia, a = M && M.audio && M.audio();
    if (!a) return;
    const t = Math.round((a.currentTime - (M.offset || 0)) * 1000) / 1000;
    root.__qdaAct({ kind: 'align', doc: root.__qdaData.doc_id, turn: x.no, t });
  };
  return b;
}

function qdaReaderMedia(ctx) {
  const { root, wrap, anchor, data, rangeOf, act } = ctx;
  const turns = data.turns || [];
  root.__qdaTurns = turns;
  root.__qdaAct = act;
  wrap.classList.toggle('qda-has-turns', !!data.align || turns.some((x) => x.t0 != null));
  wrap.classList.toggle('qda-aligning', !!data.align);
  let gutter = wrap.querySelector('.qda-turns');
  if (!gutter) {
    gutter = document.createElement('div');
    gutter.className = 'qda-turns'; gutter.dataset.testid = 'qda-turns';
    wrap.append(gutter);
  }
  const place = () => {
    const wr = wrap.getBoundingClientRect();
    const frag = document.createDocumentFragment();
    const aligning = !!(root.__qdaData && root.__qdaData.align);
    for (const x of root.__qdaTurns || []) {
      if (x.t0 == null && !aligning) continue;
      const box = rangeOf(x.s, Math.min(x.s + 1, x.e)).getClientRects()[0];
      if (!box) continue;
      if (aligning) frag.append(qdaAlignButton(root, x, box.top - wr.top));
      if (x.t0 == null) continue;
      const b = document.createElement('button');
      b.type = 'button'; b.className = 'qda-turn-play';
      b.dataset.testid = 'qda-turn-play'; b.dataset.turn = String(x.no);
      b.textContent = `▶ ${qdaClock(x.t0)}`;
      b.title = `Play from ${qdaClock(x.t0)} (turn ${x.no})`;
      b.style.top = `${box.top - wr.top}px`;
      b.onmousedown = (ev) => ev.preventDefault();  // keep the coder's selection
      b.onclick = () => qdaPlay(x.t0, null);
      frag.append(b);
    }
    gutter.replaceChildren(frag);
    mark(root.__qdaPlaying, false);
  };
  const mark = (x, scroll, force) => {
    const no = x ? String(x.no) : '';
    wrap.dataset.playingTurn = no;
    for (const b of gutter.querySelectorAll('button')) b.classList.toggle('qda-playing', b.dataset.turn === no);
    if (window.CSS && CSS.highlights) {
      if (x) CSS.highlights.set('qda-playing', new Highlight(rangeOf(x.s, x.e)));
      else CSS.highlights.delete('qda-playing');
    }
    if (!x || !scroll || (!force && Date.now() - (root.__qdaUserAt || 0) < QDA_IDLE_MS)) return;
    const r = rangeOf(x.s, Math.min(x.s + 1, x.e)).getBoundingClientRect();
    if (r.top >= 60 && r.bottom <= window.innerHeight - 40) return;  // already in view
    anchor.style.top = `${r.top - wrap.getBoundingClientRect().top}px`;
    anchor.scrollIntoView({ block: 'center' });
  };
  if (!root.__qdaFollow) {
    const busy = () => { root.__qdaUserAt = Date.now(); };
    for (const ev of ['wheel', 'mousedown', 'keydown', 'touchstart']) {
      window.addEventListener(ev, busy, { capture: true, passive: true });
    }
    root.__qdaFollow = (ev) => {
      if (!root.isConnected) return;
      const d = root.__qdaData, all = root.__qdaTurns || [];
      const x = qdaTurnAt(all, ev.detail.t);
      const key = `${d.base}|${x ? x.no : ''}`;
      if (key !== root.__qdaPlayingKey || root.__qdaPlayingSig !== root.__qdaSig) {
        // a new part drawn for the playing turn: show it even if the coder just clicked
        const moved = root.__qdaPlayingBase != null && root.__qdaPlayingBase !== d.base;
        root.__qdaPlayingKey = key; root.__qdaPlayingSig = root.__qdaSig;
        root.__qdaPlaying = x;
        if (x) root.__qdaPlayingBase = d.base;
        mark(x, true, moved && !!x);
      }
      const last = all.length ? all[all.length - 1] : null;
      const after = last && ev.detail.playing && d.turns_after &&
        ev.detail.t >= (last.t1 != null ? last.t1 : last.t0 + 1);
      if (after && root.__qdaAskedFor !== d.base) {  // the playing turn is in the next part
        root.__qdaAskedFor = d.base;
        act({ kind: 'follow', t: ev.detail.t });
      }
    };
    window.addEventListener('qda-media-time', root.__qdaFollow);
  }
  place();
  if (!root.__qdaTurnRO && window.ResizeObserver) {
    root.__qdaTurnRO = new ResizeObserver(() => requestAnimationFrame(place));
    root.__qdaTurnRO.observe(root);
  }
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(() => place());
}
