// The recording's controls (loaded by media_player.py): they drive the <audio> Streamlit draws
// for st.audio in the container `.st-key-qda_media`. Play/pause, back 5 s, speed 0.75x-2x; keys
// that work while typing anywhere on the page: Alt+K play/pause, Alt+J back 5 s. Other parts of
// the page talk to it through window events: `qda-media-seek` {t, until} in (transcript
// seconds; plays from t, pauses at until), `qda-media-time` {t, playing} out.
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
    for (const ev of ['timeupdate', 'seeked', 'play', 'pause']) a.addEventListener(ev, tell);
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
  window.addEventListener('qda-media-time', (ev) => {
    if (!bar.isConnected) return;
    clock.textContent = fmt(ev.detail.t);
    toggle.textContent = ev.detail.playing ? '❚❚ Pause' : '▶ Play';
    bar.dataset.playing = ev.detail.playing ? '1' : '0';
  });
}
