// The recording's controls (loaded by media_player.py): they drive the <audio> Streamlit draws
// for st.audio in the container `.st-key-qda_media`. Play/pause, back 5 s, speed 0.75x-2x; keys
// that work while typing anywhere on the page: Alt+K play/pause, Alt+J back 5 s. Other parts of
// the page talk to it through window events: `qda-media-seek` {t, until} in (transcript
// seconds; plays from t, pauses at until), `qda-media-time` {t, playing} out. The waveform
// (a canvas of the stored peaks, recording seconds) goes to the moment clicked, keeping play or
// pause, and marks the current time with a line (`data-at` holds it, for tests).
export default function (component) {
  const { data, parentElement } = component;
  const bar = parentElement.querySelector('.qda-player');
  if (!bar || !data) return;
  const M = (window.__qdaMedia = window.__qdaMedia || {});
  M.offset = Number(data.offset || 0);
  M.audio = () => document.querySelector('.st-key-qda_media audio');
  const q = (sel) => bar.querySelector(sel);
  const toggle = q('[data-testid="qda-media-toggle"]');
  const back = q('[data-testid="qda-media-back"]');
  const rate = q('[data-testid="qda-media-rate"]');
  const clock = q('[data-testid="qda-media-clock"]');
  const wave = q('[data-testid="qda-media-wave"]');
  const peaks = Array.isArray(data.peaks) ? data.peaks : [];
  wave.hidden = peaks.length === 0;
  const loudest = Math.max(0.05, ...peaks);  // a quiet recording still fills the height
  const fmt = (s) => {
    s = Math.max(0, Math.floor(s || 0));
    const p = (n) => String(n).padStart(2, '0');
    return `${p(Math.floor(s / 3600))}:${p(Math.floor((s % 3600) / 60))}:${p(s % 60)}`;
  };
  M.toggle = () => { const a = M.audio(); if (!a) return; if (a.paused) a.play(); else a.pause(); };
  M.back = (s = 5) => { const a = M.audio(); if (a) a.currentTime = Math.max(0, a.currentTime - s); };
  M.setRate = (r) => { const a = M.audio(); M.rate = r; if (a) a.playbackRate = r; };
  M.seek = (t, until) => {
    const a = M.audio(); if (!a) return;
    M.until = until == null ? null : Number(until) + M.offset;
    a.currentTime = Math.max(0, Number(t) + M.offset);
    a.playbackRate = M.rate || 1;
    a.play();
  };
  toggle.onclick = () => M.toggle();
  back.onclick = () => M.back(5);
  rate.value = String(M.rate || data.rate || 1);
  rate.onchange = () => M.setRate(Number(rate.value));
  M.setRate(Number(rate.value));

  // the <audio> element may be drawn after this script runs, and again on reruns
  const hook = () => {
    const a = M.audio();
    if (!a || a.__qdaHooked) return;
    a.__qdaHooked = true;
    a.playbackRate = M.rate || 1;
    const tell = () => {
      if (M.until != null && a.currentTime >= M.until) { M.until = null; a.pause(); }
      window.dispatchEvent(new CustomEvent('qda-media-time',
        { detail: { t: a.currentTime - M.offset, playing: !a.paused } }));
    };
    for (const ev of ['timeupdate', 'seeked', 'play', 'pause', 'loadedmetadata']) a.addEventListener(ev, tell);
    a.addEventListener('ratechange', () => { if (M.rate && a.playbackRate !== M.rate) a.playbackRate = M.rate; });
  };
  hook();
  if (!M.observer) {
    M.observer = new MutationObserver(() => hook());
    M.observer.observe(document.body, { childList: true, subtree: true });
  }
  if (!M.listening) {
    M.listening = true;
    window.addEventListener('qda-media-seek', (ev) => M.seek(ev.detail.t, ev.detail.until));
    document.addEventListener('keydown', (ev) => {
      if (!ev.altKey || ev.ctrlKey || ev.metaKey) return;
      const k = (ev.code || '').replace('Key', '').toLowerCase();
      if (k === 'k') { ev.preventDefault(); M.toggle(); }
      if (k === 'j') { ev.preventDefault(); M.back(5); }
    }, true);
  }
  const length = () => {
    const a = M.audio();
    return a && Number.isFinite(a.duration) && a.duration > 0 ? a.duration : Number(data.duration || 0);
  };
  const draw = () => {
    if (wave.hidden || !wave.isConnected) return;
    const a = M.audio(), dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(wave.clientWidth * dpr)), h = Math.max(1, Math.round(wave.clientHeight * dpr));
    if (wave.width !== w) wave.width = w;
    if (wave.height !== h) wave.height = h;
    const g = wave.getContext('2d');
    g.clearRect(0, 0, w, h);
    const total = length(), at = a ? a.currentTime : 0;
    const x = total > 0 ? Math.min(w, (at / total) * w) : 0;
    const played = getComputedStyle(bar).getPropertyValue('--qda-played').trim() || '#1c83e1';
    const bar1 = Math.max(1, Math.floor(dpr));
    for (let px = 0; px < w; px += bar1 + 1) {
      const i = Math.min(peaks.length - 1, Math.floor((px / w) * peaks.length));
      const v = Math.max(0.02, (peaks[i] || 0) / loudest) * (h / 2 - 1);
      g.fillStyle = px <= x ? played : 'rgba(128, 128, 128, .6)';
      g.fillRect(px, h / 2 - v, bar1, 2 * v);
    }
    g.fillStyle = '#d62728';
    g.fillRect(Math.max(0, Math.min(w - 2 * dpr, x - dpr)), 0, 2 * dpr, h);
    wave.dataset.at = at.toFixed(3);
    wave.dataset.markerX = (x / dpr).toFixed(1);
    wave.setAttribute('aria-valuenow', at.toFixed(1));
  };
  wave.onclick = (ev) => {
    const a = M.audio(), total = length();
    if (!a || !(total > 0)) return;
    const r = wave.getBoundingClientRect();
    M.until = null;
    a.currentTime = Math.max(0, Math.min(total, ((ev.clientX - r.left) / r.width) * total));
    draw();
  };
  wave.onmousedown = (ev) => ev.preventDefault();  // keep the coder's selection
  if (bar.__qdaTime) window.removeEventListener('qda-media-time', bar.__qdaTime);
  bar.__qdaTime = (ev) => {
    if (!bar.isConnected) return;
    clock.textContent = fmt(ev.detail.t);
    toggle.textContent = ev.detail.playing ? '❚❚ Pause' : '▶ Play';
    bar.dataset.playing = ev.detail.playing ? '1' : '0';
    draw();
  };
  window.addEventListener('qda-media-time', bar.__qdaTime);
  if (!bar.__qdaRO && window.ResizeObserver) {
    bar.__qdaRO = new ResizeObserver(() => requestAnimationFrame(draw));
    bar.__qdaRO.observe(wave);
  }
  requestAnimationFrame(draw);
}
