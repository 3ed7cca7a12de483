/*
 * Recovery Readiness card and dashboard strategy.
 *
 * Plain JavaScript (no third-party code, no build step), served by the integration itself and
 * loaded by the frontend on every page (card.py). Data for the charts comes from the
 * integration's websocket command `recovery_readiness/history` (exact daily values from its
 * own stores); live values (score, measurement progress, heart rate, training status, the
 * breathing session and its coherence) from hass.states of the entities that command names.
 *
 *   type: custom:recovery-readiness-card
 *   profile: <config entry id>      # optional: the first profile when left out
 *   sections: [today, hrv, resting_hr, sleep, training, breathing]   # any subset, in this order
 *   unit: ln | ms                   # HRV chart: ln RMSSD (default) or RMSSD in ms
 *   days: 60                        # HRV / resting HR chart length (7-400)
 *   nights: 14                      # sleep chart length (7-60)
 *   training_days: 42               # training load chart length (7-120, default 60)
 *
 *   strategy: {type: custom:recovery-readiness}   # a whole dashboard, one card per profile
 */

const DOMAIN = "recovery_readiness";
const CARD = "recovery-readiness-card";
const SECTIONS = ["today", "hrv", "resting_hr", "sleep", "training", "breathing"];
const RUNNING = new Set(["waiting_for_contact", "stabilising", "measuring"]);
const WATCH = [
  "readiness_score",
  "last_measurement",
  "sleep_debt",
  "last_wake_time",
  "chronic_load",
  "training_status",
  "breathing_session",
];
const REFRESH_MS = 15 * 60 * 1000;

const STRINGS = {
  en: {
    today: "Today",
    readiness: "Readiness",
    no_score: "No score yet",
    advice: "Training advice",
    dashed: "dashed line",
    hrv: "HRV",
    hrv_ln: "HRV (ln RMSSD)",
    hrv_ms: "HRV (RMSSD, ms)",
    daily: "Morning value",
    mean_7d: "7-day mean",
    normal: "Normal range",
    resting_hr: "Resting heart rate (bpm)",
    sleep: "Sleep",
    nights: "Last nights",
    target: "Target",
    times: "Bedtime and wake time",
    debt: "Sleep debt",
    sri: "Regularity (SRI)",
    average: "7-night average",
    heart_rate: "Heart rate",
    measurement: "Measurement",
    waiting_for_contact: "Waiting for skin contact",
    stabilising: "Settling in",
    measuring: "Measuring",
    no_profile: "No Recovery Readiness profile found.",
    error: "Could not load the history",
    no_data: "No data yet",
    hours: "h",
    training: "Training",
    load: "Load per day (TRIMP)",
    fitness: "Fitness (CTL)",
    fatigue: "Fatigue (ATL)",
    form: "Form (TSB)",
    daily_advice: "Daily advice",
    form_building: "form is still building up (under 12 weeks of history)",
    breathing: "Guided breathing",
    start: "Start breathing",
    inhale: "Breathe in",
    exhale: "Breathe out",
    idle: "Not running",
    running: "Running",
    resting: "Resting after the session",
    done: "Done",
    per_min: "/min",
    coherence: "Coherence",
    last_session: "Last session",
    min: "min",
  },
  nl: {
    today: "Vandaag",
    readiness: "Herstel",
    no_score: "Nog geen score",
    advice: "Trainingsadvies",
    dashed: "stippellijn",
    hrv: "HRV",
    hrv_ln: "HRV (ln RMSSD)",
    hrv_ms: "HRV (RMSSD, ms)",
    daily: "Ochtendwaarde",
    mean_7d: "7-daags gemiddelde",
    normal: "Normaal bereik",
    resting_hr: "Rusthartslag (bpm)",
    sleep: "Slaap",
    nights: "Afgelopen nachten",
    target: "Doel",
    times: "Bedtijd en opstaan",
    debt: "Slaaptekort",
    sri: "Regelmaat (SRI)",
    average: "Gemiddelde 7 nachten",
    heart_rate: "Hartslag",
    measurement: "Meting",
    waiting_for_contact: "Wacht op huidcontact",
    stabilising: "Tot rust komen",
    measuring: "Meten",
    no_profile: "Geen Recovery Readiness-profiel gevonden.",
    error: "De geschiedenis kon niet worden geladen",
    no_data: "Nog geen gegevens",
    hours: "u",
    training: "Training",
    load: "Belasting per dag (TRIMP)",
    fitness: "Fitheid (CTL)",
    fatigue: "Vermoeidheid (ATL)",
    form: "Vorm (TSB)",
    daily_advice: "Dagadvies",
    form_building: "vorm nog in opbouw (minder dan 12 weken geschiedenis)",
    breathing: "Begeleide ademhaling",
    start: "Start ademhaling",
    inhale: "Adem in",
    exhale: "Adem uit",
    idle: "Niet actief",
    running: "Bezig",
    resting: "Rust na de sessie",
    done: "Klaar",
    per_min: "/min",
    coherence: "Coherentie",
    last_session: "Laatste sessie",
    min: "min",
  },
};

function strings(hass) {
  const lang = ((hass && hass.language) || "en").split("-")[0].toLowerCase();
  return STRINGS[lang] || STRINGS.en;
}

function esc(value) {
  return String(value ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c],
  );
}

function num(value) {
  const n = typeof value === "number" ? value : Number.parseFloat(value);
  return Number.isFinite(n) ? n : null;
}

function fmt(value, digits) {
  return value === null || value === undefined ? "–" : Number(value).toFixed(digits);
}

/** Local wall-clock hours of an ISO time with offset, noon-anchored (18:00 → 18, 06:00 → 30). */
function clockHours(iso) {
  const h = Number(iso.slice(11, 13)) + Number(iso.slice(14, 16)) / 60;
  return h < 12 ? h + 24 : h;
}

function dayLabel(isoDay, lang) {
  const [y, m, d] = isoDay.split("-").map(Number);
  return new Date(y, m - 1, d).toLocaleDateString(lang, { day: "numeric", month: "short" });
}

/** Split points with a null y into runs of consecutive known points. */
function runs(points) {
  const out = [];
  let cur = [];
  for (const p of points) {
    if (p.y === null) {
      if (cur.length) out.push(cur);
      cur = [];
    } else cur.push(p);
  }
  if (cur.length) out.push(cur);
  return out;
}

const W = 320;
const H = 130;
const PAD = { l: 34, r: 6, t: 8, b: 18 };

function scale(values, fallback) {
  const known = values.filter((v) => v !== null);
  if (!known.length) return fallback;
  let lo = Math.min(...known);
  let hi = Math.max(...known);
  const span = hi - lo || Math.abs(hi) * 0.1 || 1;
  lo -= span * 0.12;
  hi += span * 0.12;
  return [lo, hi];
}

/** Band (normal range), 7-day mean line and daily dots over days; returns SVG markup. */
function bandChart(series, keys, digits, lang, labels) {
  const n = series.length;
  const values = series.flatMap((d) => [d[keys.value], d[keys.mean], d[keys.low], d[keys.high]]);
  const [lo, hi] = scale(values.map(num), [0, 1]);
  const x = (i) => PAD.l + ((W - PAD.l - PAD.r) * (n <= 1 ? 0.5 : i / (n - 1)));
  const y = (v) => PAD.t + (H - PAD.t - PAD.b) * (1 - (v - lo) / (hi - lo));
  const pts = (key) => series.map((d, i) => ({ i, y: num(d[key]) }));
  const bands = runs(
    series.map((d, i) => {
      const l = num(d[keys.low]);
      const h = num(d[keys.high]);
      return { i, y: l === null || h === null ? null : [l, h] };
    }),
  )
    .map((run) => {
      const top = run.map((p) => `${x(p.i).toFixed(1)},${y(p.y[1]).toFixed(1)}`);
      const bottom = run.map((p) => `${x(p.i).toFixed(1)},${y(p.y[0]).toFixed(1)}`).reverse();
      return `<polygon class="band" points="${top.concat(bottom).join(" ")}"></polygon>`;
    })
    .join("");
  const lines = runs(pts(keys.mean))
    .map(
      (run) =>
        `<polyline class="mean" points="${run.map((p) => `${x(p.i).toFixed(1)},${y(p.y).toFixed(1)}`).join(" ")}"></polyline>`,
    )
    .join("");
  const dots = pts(keys.value)
    .filter((p) => p.y !== null)
    .map((p) => `<circle class="dot" cx="${x(p.i).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="1.8"></circle>`)
    .join("");
  // Enough decimals that the three tick labels differ on a narrow range.
  const tickDigits = Math.max(digits, Math.min(3, Math.ceil(-Math.log10((hi - lo) / 4))));
  const ticks = [lo + (hi - lo) * 0.12, (lo + hi) / 2, hi - (hi - lo) * 0.12]
    .map(
      (v) =>
        `<text class="axis" x="${PAD.l - 4}" y="${(y(v) + 3).toFixed(1)}" text-anchor="end">${v.toFixed(tickDigits)}</text>`,
    )
    .join("");
  const dates = n
    ? `<text class="axis" x="${PAD.l}" y="${H - 4}">${esc(dayLabel(series[0].day, lang))}</text>` +
      `<text class="axis" x="${W - PAD.r}" y="${H - 4}" text-anchor="end">${esc(dayLabel(series[n - 1].day, lang))}</text>`
    : "";
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(labels.title)}">${bands}${lines}${dots}${ticks}${dates}</svg>
    <div class="legend"><span class="key band"></span>${esc(labels.normal)}
      <span class="key mean"></span>${esc(labels.mean)}<span class="key dot"></span>${esc(labels.daily)}</div>`;
}

/** Sleep bars against the target, and bedtime → wake spans on a noon-anchored clock. */
function sleepCharts(sleep, nightsWanted, lang, s) {
  const nights = sleep.nights.slice(-nightsWanted);
  const today = new Date();
  const byNight = new Map(nights.map((n) => [n.night_of, n]));
  const slots = [];
  for (let back = nightsWanted; back >= 1; back -= 1) {
    const d = new Date(today.getFullYear(), today.getMonth(), today.getDate() - back);
    const key = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
    slots.push({ key, night: byNight.get(key) || null });
  }
  const n = slots.length;
  const target = num(sleep.target_h) ?? 8;
  const maxH = Math.max(target + 1, ...nights.map((x) => x.duration_h)) * 1.05;
  const slotW = (W - PAD.l - PAD.r) / n;
  const y = (h) => PAD.t + (H - PAD.t - PAD.b) * (1 - h / maxH);
  const bars = slots
    .map((slot, i) => {
      if (!slot.night) return "";
      const h = slot.night.duration_h;
      const cls = h >= target ? "bar ok" : "bar short";
      const x0 = PAD.l + i * slotW + slotW * 0.15;
      return `<rect class="${cls}" x="${x0.toFixed(1)}" y="${y(h).toFixed(1)}" width="${(slotW * 0.7).toFixed(1)}" height="${(y(0) - y(h)).toFixed(1)}"><title>${esc(slot.key)}: ${h.toFixed(1)} ${s.hours}</title></rect>`;
    })
    .join("");
  const targetLine = `<line class="target" x1="${PAD.l}" x2="${W - PAD.r}" y1="${y(target).toFixed(1)}" y2="${y(target).toFixed(1)}"></line>`;
  const hTicks = [0, Math.round(target / 2), Math.round(target)]
    .map((h) => `<text class="axis" x="${PAD.l - 4}" y="${(y(h) + 3).toFixed(1)}" text-anchor="end">${h}${esc(s.hours)}</text>`)
    .join("");
  const dates = `<text class="axis" x="${PAD.l}" y="${H - 4}">${esc(dayLabel(slots[0].key, lang))}</text><text class="axis" x="${W - PAD.r}" y="${H - 4}" text-anchor="end">${esc(dayLabel(slots[n - 1].key, lang))}</text>`;
  const barsSvg = `<svg class="sleep-bars" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(s.nights)}">${hTicks}${targetLine}${bars}${dates}</svg>`;

  const known = nights.flatMap((x) => [clockHours(x.bedtime), clockHours(x.wake_time)]);
  const lo = Math.floor(Math.min(20, ...known));
  const hi = Math.ceil(Math.max(32, ...known));
  const TH = 96;
  const ty = (h) => PAD.t + (TH - PAD.t - PAD.b) * ((h - lo) / (hi - lo));
  const spans = slots
    .map((slot, i) => {
      if (!slot.night) return "";
      const cx = (PAD.l + (i + 0.5) * slotW).toFixed(1);
      const b = clockHours(slot.night.bedtime);
      const w = clockHours(slot.night.wake_time);
      return `<line class="span" x1="${cx}" x2="${cx}" y1="${ty(b).toFixed(1)}" y2="${ty(w).toFixed(1)}"></line><circle class="bed" cx="${cx}" cy="${ty(b).toFixed(1)}" r="2.4"><title>${esc(slot.night.bedtime.slice(11, 16))}</title></circle><circle class="wake" cx="${cx}" cy="${ty(w).toFixed(1)}" r="2.4"><title>${esc(slot.night.wake_time.slice(11, 16))}</title></circle>`;
    })
    .join("");
  const clockTicks = [lo, Math.round((lo + hi) / 2), hi]
    .map((h) => `<text class="axis" x="${PAD.l - 4}" y="${(ty(h) + 3).toFixed(1)}" text-anchor="end">${String(h % 24).padStart(2, "0")}:00</text>`)
    .join("");
  const timesSvg = `<svg class="sleep-times" viewBox="0 0 ${W} ${TH}" role="img" aria-label="${esc(s.times)}">${clockTicks}${spans}</svg>`;
  return { barsSvg, timesSvg };
}

/**
 * Training load per day as bars with fitness (CTL) and fatigue (ATL) as lines on the same
 * TRIMP/day axis (both are exponentially weighted means of the daily load), and form (TSB)
 * below it around a zero line. Days without a session have no bar (unknown, not 0).
 */
function trainingCharts(days, lang, s) {
  const n = days.length;
  const slotW = (W - PAD.l - PAD.r) / Math.max(n, 1);
  const top = Math.max(
    10,
    ...days.flatMap((d) => [num(d.load_trimp), num(d.ctl), num(d.atl)]).filter((v) => v !== null),
  ) * 1.08;
  const y = (v) => PAD.t + (H - PAD.t - PAD.b) * (1 - v / top);
  const cx = (i) => PAD.l + (i + 0.5) * slotW;
  const bars = days
    .map((d, i) => {
      const v = num(d.load_trimp);
      if (v === null) return "";
      const x0 = PAD.l + i * slotW + slotW * 0.15;
      return `<rect class="load" x="${x0.toFixed(1)}" y="${y(v).toFixed(1)}" width="${Math.max(slotW * 0.7, 0.8).toFixed(1)}" height="${(y(0) - y(v)).toFixed(1)}"><title>${esc(d.day)}: ${v.toFixed(0)}</title></rect>`;
    })
    .join("");
  const line = (key, cls, yf) =>
    runs(days.map((d, i) => ({ i, y: num(d[key]) })))
      .map(
        (run) =>
          `<polyline class="${cls}" points="${run.map((p) => `${cx(p.i).toFixed(1)},${yf(p.y).toFixed(1)}`).join(" ")}"></polyline>`,
      )
      .join("");
  const ticks = [0, top / 2, top / 1.08]
    .map((v) => `<text class="axis" x="${PAD.l - 4}" y="${(y(v) + 3).toFixed(1)}" text-anchor="end">${v.toFixed(0)}</text>`)
    .join("");
  const dates = n
    ? `<text class="axis" x="${PAD.l}" y="${H - 4}">${esc(dayLabel(days[0].day, lang))}</text>` +
      `<text class="axis" x="${W - PAD.r}" y="${H - 4}" text-anchor="end">${esc(dayLabel(days[n - 1].day, lang))}</text>`
    : "";
  const loadSvg = `<svg class="training-load" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(s.load)}">${ticks}${bars}${line("ctl", "ctl", y)}${line("atl", "atl", y)}${dates}</svg>
    <div class="legend"><span class="item"><span class="key load"></span>${esc(s.load)}</span>
      <span class="item"><span class="key ctl"></span>${esc(s.fitness)}</span>
      <span class="item"><span class="key atl"></span>${esc(s.fatigue)}</span></div>`;

  const FH = 70;
  const tsb = days.map((d) => num(d.tsb)).filter((v) => v !== null);
  const span = Math.max(5, ...tsb.map(Math.abs)) * 1.15;
  const fy = (v) => PAD.t + (FH - PAD.t - PAD.b) * (1 - (v + span) / (2 * span));
  const zero = `<line class="zero" x1="${PAD.l}" x2="${W - PAD.r}" y1="${fy(0).toFixed(1)}" y2="${fy(0).toFixed(1)}"></line>`;
  const fticks = [-span / 1.15, 0, span / 1.15]
    .map((v) => `<text class="axis" x="${PAD.l - 4}" y="${(fy(v) + 3).toFixed(1)}" text-anchor="end">${v.toFixed(0)}</text>`)
    .join("");
  const formSvg = `<svg class="training-form" viewBox="0 0 ${W} ${FH}" role="img" aria-label="${esc(s.form)}">${fticks}${zero}${line("tsb", "tsb", fy)}</svg>`;
  return { loadSvg, formSvg };
}

/**
 * The pacer's phase at `t` s after the session start, from the session's plan (steps from
 * the history command): each step starts with an inhale; inhale while (t - start) mod cycle
 * < inhale_s. Returns {phase, frac (0-1 through the phase), left_s} or null after the plan.
 */
function pacerAt(live, t) {
  if (!live || t < 0 || t >= live.total_s) return null;
  let step = null;
  for (const st of live.steps) if (st.start_s <= t) step = st;
  if (!step) return null;
  const cycle = step.inhale_s + step.exhale_s;
  const p = (t - step.start_s) % cycle;
  if (p < step.inhale_s) {
    return { phase: "inhale", frac: p / step.inhale_s, left_s: step.inhale_s - p, bpm: step.breaths_per_min };
  }
  return {
    phase: "exhale",
    frac: (p - step.inhale_s) / step.exhale_s,
    left_s: cycle - p,
    bpm: step.breaths_per_min,
  };
}

function gauge(score, color) {
  const r = 42;
  const len = Math.PI * r;
  const frac = score === null ? 0 : Math.max(0, Math.min(100, score)) / 100;
  return `<svg class="gauge" viewBox="0 0 100 58" role="img" aria-label="${score ?? ""}">
    <path class="track" d="M8 52 A${r} ${r} 0 0 1 92 52"></path>
    <path class="value" style="stroke:${color}" stroke-dasharray="${(len * frac).toFixed(1)} ${len.toFixed(1)}" d="M8 52 A${r} ${r} 0 0 1 92 52"></path>
    <text class="score" x="50" y="50" text-anchor="middle">${score === null ? "–" : esc(score)}</text>
  </svg>`;
}

const STYLE = `
  :host { display: block; }
  ha-card { padding: 12px 16px 16px; overflow: hidden; }
  h2 { margin: 4px 0 8px; font-size: 1.25em; font-weight: 500; color: var(--primary-text-color); }
  h3 { margin: 14px 0 4px; font-size: 1em; font-weight: 500; color: var(--primary-text-color); }
  section + section { border-top: 1px solid var(--divider-color); margin-top: 10px; }
  .today { display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
  .gauge { width: 140px; flex: 0 0 auto; }
  .gauge .track { fill: none; stroke: var(--divider-color); stroke-width: 9; stroke-linecap: round; }
  .gauge .value { fill: none; stroke-width: 9; stroke-linecap: round; }
  .gauge .score { font-size: 22px; font-weight: 600; fill: var(--primary-text-color); }
  .words { flex: 1 1 180px; min-width: 0; color: var(--primary-text-color); }
  .level { font-size: 1.15em; font-weight: 500; }
  .advice, .muted { color: var(--secondary-text-color); }
  ul.reasons { margin: 6px 0 0; padding-left: 18px; }
  .live { display: flex; gap: 16px; flex-wrap: wrap; margin-top: 6px; color: var(--primary-text-color); }
  .progress { height: 6px; border-radius: 3px; background: var(--divider-color); overflow: hidden; margin-top: 4px; }
  .progress > div { height: 100%; background: var(--primary-color); }
  svg { width: 100%; height: auto; display: block; }
  .axis { font-size: 9px; fill: var(--secondary-text-color); }
  .band { fill: var(--primary-color); fill-opacity: 0.16; stroke: none; }
  .mean { fill: none; stroke: var(--primary-color); stroke-width: 2; }
  .dot { fill: var(--secondary-text-color); }
  .bar.ok { fill: var(--success-color, #43a047); }
  .bar.short { fill: var(--warning-color, #ffa600); }
  .target { stroke: var(--primary-text-color); stroke-dasharray: 4 3; stroke-width: 1; opacity: 0.6; }
  .span { stroke: var(--divider-color); stroke-width: 3; stroke-linecap: round; }
  .bed { fill: var(--primary-color); }
  .wake { fill: var(--accent-color, var(--primary-color)); stroke: var(--card-background-color, #fff); stroke-width: 0.8; }
  .legend { font-size: 0.8em; color: var(--secondary-text-color); display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
  .legend .key { display: inline-block; width: 14px; height: 8px; margin-left: 6px; border-radius: 2px; }
  .legend .key.band { background: var(--primary-color); opacity: 0.2; }
  .legend .key.mean { height: 2px; background: var(--primary-color); }
  .legend .key.dot { width: 6px; height: 6px; border-radius: 50%; background: var(--secondary-text-color); }
  .figures { display: flex; gap: 18px; flex-wrap: wrap; margin-top: 6px; color: var(--primary-text-color); }
  .figures b { font-weight: 500; }
  .error { color: var(--error-color); }
  .load { fill: var(--primary-color); fill-opacity: 0.45; }
  .ctl { fill: none; stroke: var(--info-color, #039be5); stroke-width: 2; }
  .atl { fill: none; stroke: var(--error-color, #db4437); stroke-width: 1.5; stroke-dasharray: 4 2; }
  .tsb { fill: none; stroke: var(--success-color, #43a047); stroke-width: 2; }
  .zero { stroke: var(--divider-color); stroke-width: 1; }
  .legend .item { display: inline-flex; align-items: center; gap: 6px; white-space: nowrap; }
  .legend .key.load { background: var(--primary-color); opacity: 0.45; }
  .legend .key.ctl { height: 2px; background: var(--info-color, #039be5); }
  .legend .key.atl { height: 2px; background: var(--error-color, #db4437); }
  .breathing { display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
  .pacer { position: relative; width: 132px; height: 132px; flex: 0 0 auto; }
  .pacer-ring { position: absolute; inset: 0; border-radius: 50%; border: 2px solid var(--divider-color); box-sizing: border-box; }
  .pacer-circle { position: absolute; inset: 6px; border-radius: 50%; background: var(--primary-color); opacity: 0.35; transform: scale(0.6); }
  .pacer.running .pacer-circle { opacity: 0.75; }
  .pacer-text { position: absolute; inset: 0; display: flex; flex-direction: column; align-items: center; justify-content: center; text-align: center; font-size: 0.9em; color: var(--primary-text-color); }
  .pacer-text b { font-weight: 500; }
  button.start { font: inherit; padding: 8px 14px; border-radius: 18px; border: none; cursor: pointer; background: var(--primary-color); color: var(--text-primary-color, #fff); }
  button.start[disabled] { opacity: 0.5; cursor: default; }
`;

class RecoveryReadinessCard extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    this._data = null;
    this._error = null;
    this._profile = null;
    this._loading = false;
    this._signature = null;
    this._fetchedAt = 0;
    this._pacer = null;
    this._pacerElapsed = null;
    this._frame = null;
    this.shadowRoot.addEventListener("click", (ev) => {
      const button = ev.target.closest && ev.target.closest("button.start");
      if (button && !button.disabled) this._startBreathing(button);
    });
  }

  disconnectedCallback() {
    if (this._frame !== null) cancelAnimationFrame(this._frame);
    this._frame = null;
  }

  connectedCallback() {
    this._animate();
  }

  static getStubConfig() {
    return { sections: ["today", "hrv", "sleep"] };
  }

  setConfig(config) {
    if (!config || typeof config !== "object") throw new Error("Invalid configuration");
    const sections = config.sections ?? SECTIONS;
    if (!Array.isArray(sections) || sections.some((x) => !SECTIONS.includes(x))) {
      throw new Error(`sections: a list of ${SECTIONS.join(", ")}`);
    }
    if (config.unit !== undefined && !["ln", "ms"].includes(config.unit)) {
      throw new Error("unit: ln or ms");
    }
    const days = Number(config.days ?? 60);
    const nights = Number(config.nights ?? 14);
    const trainingDays = Number(config.training_days ?? 60);
    if (!Number.isInteger(days) || days < 7 || days > 400) throw new Error("days: 7-400");
    if (!Number.isInteger(nights) || nights < 7 || nights > 60) throw new Error("nights: 7-60");
    if (!Number.isInteger(trainingDays) || trainingDays < 7 || trainingDays > 120) {
      throw new Error("training_days: 7-120");
    }
    this._config = {
      ...config,
      sections,
      unit: config.unit ?? "ln",
      days,
      nights,
      training_days: trainingDays,
    };
    this._profile = config.profile ?? null;
    this._data = null;
    this._signature = null;
    if (this._hass) this._maybeFetch();
  }

  set hass(hass) {
    this._hass = hass;
    this._maybeFetch();
    this._syncPacer();
    this._render();
  }

  getCardSize() {
    return 2 + 3 * (this._config ? this._config.sections.length : 4);
  }

  getGridOptions() {
    return { columns: 12, min_columns: 6 };
  }

  _signatureNow() {
    const ents = (this._data && this._data.entities) || {};
    return WATCH.map((k) => {
      const st = ents[k] && this._hass.states[ents[k]];
      return st ? `${st.state}@${st.last_changed}` : "";
    }).join("|");
  }

  async _maybeFetch() {
    if (!this._hass || !this._config || this._loading) return;
    const stale = Date.now() - this._fetchedAt > REFRESH_MS;
    if (this._data && !stale && this._signatureNow() === this._signature) return;
    if (this._error && !stale) return;
    this._loading = true;
    try {
      if (!this._profile) {
        const profiles = await this._hass.callWS({ type: `${DOMAIN}/profiles` });
        if (!profiles.length) {
          this._error = "no_profile";
          return;
        }
        this._profile = profiles[0].profile;
      }
      this._data = await this._hass.callWS({
        type: `${DOMAIN}/history`,
        profile: this._profile,
        days: Math.max(this._config.days, this._config.nights + 1, this._config.training_days),
        language: (this._hass.language || "en").replace(/[^A-Za-z0-9_-]/g, ""),
      });
      this._error = null;
      this._signature = this._signatureNow();
      const live = this._data.breathing && this._data.breathing.live;
      this._pacer = live ? { live, base: performance.now() - live.elapsed_s * 1000 } : null;
      this._pacerElapsed = null;
    } catch (err) {
      this._error = (err && (err.code || err.message)) || "error";
    } finally {
      this._fetchedAt = Date.now();
      this._loading = false;
      this._render();
      this._animate();
    }
  }

  /** Re-anchor the pacer clock at each phase start the session sensor reports (elapsed_s). */
  _syncPacer() {
    const st = this._state("breathing_session");
    if (!this._pacer || !st || st.state !== "running") return;
    const elapsed = num(st.attributes.elapsed_s);
    if (elapsed === null || elapsed === this._pacerElapsed) return;
    if (this._pacerElapsed !== null) this._pacer.base = performance.now() - elapsed * 1000;
    this._pacerElapsed = elapsed;
  }

  /** Scale the pacer circle from the plan and the clock, every frame while a session runs. */
  _animate() {
    if (this._frame !== null || !this.isConnected) return;
    const tick = () => {
      this._frame = null;
      if (this._drawPacer()) this._frame = requestAnimationFrame(tick);
    };
    this._frame = requestAnimationFrame(tick);
  }

  /** Draw the pacer's current phase; false when no session runs (the loop stops). */
  _drawPacer() {
    const st = this._state("breathing_session");
    const running = this._pacer && st && st.state === "running";
    const circle = this.shadowRoot.querySelector(".pacer-circle");
    const text = this.shadowRoot.querySelector(".pacer-text");
    if (!running || !circle || !text) return false;
    const s = strings(this._hass);
    const at = pacerAt(this._pacer.live, (performance.now() - this._pacer.base) / 1000);
    if (at) {
      const eased = 0.5 - 0.5 * Math.cos(Math.PI * at.frac);
      const scale = at.phase === "inhale" ? 0.5 + 0.5 * eased : 1 - 0.5 * eased;
      circle.style.transform = `scale(${scale.toFixed(3)})`;
      const label = `<b>${esc(s[at.phase])}</b><span>${Math.ceil(at.left_s)} s</span>`;
      if (text.innerHTML !== label) text.innerHTML = label;
      circle.parentElement.dataset.phase = at.phase;
    }
    return true;
  }

  async _startBreathing(button) {
    button.disabled = true;
    try {
      await this._hass.callService(DOMAIN, "start_breathing", { profile: this._data.profile });
      this._breathError = null;
    } catch (err) {
      this._breathError = (err && (err.message || err.code)) || "error";
      button.disabled = false;
      this._html = null;
      this._render();
    }
  }

  _state(key) {
    const id = this._data && this._data.entities[key];
    return id ? this._hass.states[id] : undefined;
  }

  _today(s) {
    const d = this._data;
    const scoreState = this._state("readiness_score");
    const score = scoreState ? num(scoreState.state) : d.readiness.score;
    const rounded = score === null ? null : Math.round(score);
    const color =
      rounded === null
        ? "var(--disabled-text-color, #999)"
        : rounded >= 80
          ? "var(--success-color, #43a047)"
          : rounded >= 50
            ? "var(--warning-color, #ffa600)"
            : "var(--error-color, #db4437)";
    const show = (key, fallback) => {
      const st = this._state(key);
      if (!st || ["unknown", "unavailable"].includes(st.state)) return fallback;
      return this._hass.formatEntityState ? this._hass.formatEntityState(st) : st.state;
    };
    const level = show("readiness_level", d.readiness.level_text);
    const advice = show("recommendation", d.readiness.recommendation_text);
    const reasons = (d.readiness.reasons || []).slice(0, 2);
    const phase = this._state("measurement_phase");
    const progress = this._state("measurement_progress");
    const hr = this._state("heart_rate");
    const hrValue = hr ? num(hr.state) : null;
    let live = "";
    if (hrValue !== null) {
      live += `<span class="hr">❤ ${esc(s.heart_rate)}: <b class="hr-value">${Math.round(hrValue)}</b> bpm</span>`;
    }
    let measuring = "";
    if (phase && RUNNING.has(phase.state)) {
      const pct = progress ? num(progress.state) ?? 0 : 0;
      measuring = `<div class="measuring"><span>${esc(s.measurement)}: ${esc(s[phase.state] || phase.state)} ${Math.round(pct)} %</span>
        <div class="progress"><div style="width:${Math.max(0, Math.min(100, pct))}%"></div></div></div>`;
    }
    return `<section class="section-today"><h3>${esc(s.today)}</h3><div class="today">
      ${gauge(rounded, color)}
      <div class="words">
        <div class="level">${rounded === null ? esc(s.no_score) : esc(level ?? "")}</div>
        <div class="advice">${advice ? `${esc(s.advice)}: ${esc(advice)}` : ""}</div>
        <ul class="reasons">${reasons.map((r) => `<li>${esc(r.text)}</li>`).join("")}</ul>
      </div></div>
      <div class="live">${live}</div>${measuring}</section>`;
  }

  _hrv(s, lang) {
    const ms = this._config.unit === "ms";
    const series = this._data.hrv.slice(-this._config.days);
    const keys = ms
      ? { value: "rmssd_ms", mean: "mean_7d_ms", low: "normal_low_ms", high: "normal_high_ms" }
      : { value: "ln_rmssd", mean: "mean_7d", low: "normal_low", high: "normal_high" };
    const title = ms ? s.hrv_ms : s.hrv_ln;
    const chart = bandChart(series, keys, ms ? 0 : 1, lang, {
      title,
      normal: s.normal,
      mean: s.mean_7d,
      daily: s.daily,
    });
    return `<section class="section-hrv"><h3>${esc(title)}</h3>${chart}</section>`;
  }

  _restingHr(s, lang) {
    const series = this._data.resting_hr.slice(-this._config.days);
    const keys = { value: "hr_bpm", mean: "mean_7d_bpm", low: "normal_low_bpm", high: "normal_high_bpm" };
    const chart = bandChart(series, keys, 0, lang, {
      title: s.resting_hr,
      normal: s.normal,
      mean: s.mean_7d,
      daily: s.daily,
    });
    return `<section class="section-resting_hr"><h3>${esc(s.resting_hr)}</h3>${chart}</section>`;
  }

  _sleep(s, lang) {
    const sleep = this._data.sleep;
    const { barsSvg, timesSvg } = sleepCharts(sleep, this._config.nights, lang, s);
    return `<section class="section-sleep"><h3>${esc(s.sleep)}</h3>
      <div class="muted">${esc(s.nights)} · ${esc(s.target)} ${fmt(sleep.target_h, 1)} ${esc(s.hours)} (${esc(s.dashed)})</div>
      ${barsSvg}
      <div class="muted">${esc(s.times)}</div>${timesSvg}
      <div class="figures"><span>${esc(s.debt)}: <b>${fmt(sleep.sleep_debt_h, 1)} ${esc(s.hours)}</b></span>
        <span>${esc(s.sri)}: <b>${fmt(sleep.sri, 0)}</b></span>
        <span>${esc(s.average)}: <b>${fmt(sleep.average_sleep_h, 1)} ${esc(s.hours)}</b></span></div></section>`;
  }

  _training(s, lang) {
    const t = this._data.training;
    const days = t.days.slice(-this._config.training_days);
    const { loadSvg, formSvg } = trainingCharts(days, lang, s);
    const show = (key, fallback) => {
      const st = this._state(key);
      if (!st || ["unknown", "unavailable"].includes(st.state)) return fallback;
      return this._hass.formatEntityState ? this._hass.formatEntityState(st) : st.state;
    };
    const live = (key, fallback) => {
      const st = this._state(key);
      const v = st ? num(st.state) : null;
      return v === null ? fallback : v;
    };
    const status = show("training_status", t.status_text);
    const advice = show("training_advice", t.advice_text);
    return `<section class="section-training"><h3>${esc(s.training)}</h3>
      <div class="words"><div class="level training-status">${esc(status ?? s.no_data)}</div>
        <div class="advice">${advice ? `${esc(s.daily_advice)}: ${esc(advice)}` : ""}</div></div>
      ${loadSvg}
      <div class="muted">${esc(s.form)}${t.form_reliable === false ? ` · ${esc(s.form_building)}` : ""}</div>${formSvg}
      <div class="figures"><span>${esc(s.fitness)}: <b>${fmt(live("chronic_load", t.ctl), 0)}</b></span>
        <span>${esc(s.fatigue)}: <b>${fmt(live("acute_load", t.atl), 0)}</b></span>
        <span>${esc(s.form)}: <b>${fmt(live("training_form", t.tsb), 0)}</b></span></div></section>`;
  }

  _breathing(s) {
    const b = this._data.breathing;
    const st = this._state("breathing_session");
    const state = st && !["unknown", "unavailable"].includes(st.state) ? st.state : b.state;
    const running = state === "running" && this._pacer !== null;
    const busy = state === "running" || state === "resting";
    const coh = this._state("breathing_coherence");
    const coherence = coh ? num(coh.state) : b.coherence;
    const pace =
      (st && num(st.attributes.breaths_per_min)) ?? b.breaths_per_min ?? b.resonance_breaths_per_min ?? 6;
    const last = b.last_session;
    const lastText = last
      ? `${esc(s.last_session)}: ${fmt((last.duration_s ?? 0) / 60, 1)} ${esc(s.min)}` +
        (last.coherence === null ? "" : ` · ${esc(s.coherence)} ${fmt(last.coherence, 2)}`)
      : "";
    const idleText = `<b>${esc(s[state] || state)}</b><span>${fmt(pace, 1)} ${esc(s.per_min)}</span>`;
    return `<section class="section-breathing"><h3>${esc(s.breathing)}</h3><div class="breathing">
      <div class="pacer${running ? " running" : ""}" data-state="${esc(state)}"><div class="pacer-ring"></div>
        <div class="pacer-circle"></div><div class="pacer-text">${running ? "" : idleText}</div></div>
      <div class="words">
        <div class="live"><span>${esc(s.coherence)}: <b class="coherence-value">${fmt(coherence, 2)}</b></span></div>
        <div class="muted">${lastText}</div>
        <p><button class="start" type="button"${busy ? " disabled" : ""}>${esc(s.start)}</button></p>
        ${this._breathError ? `<div class="error">${esc(this._breathError)}</div>` : ""}
      </div></div></section>`;
  }

  _render() {
    if (!this._config || !this._hass) return;
    const s = strings(this._hass);
    const lang = this._hass.language || "en";
    let body;
    if (this._error) {
      body = `<div class="error">${esc(this._error === "no_profile" ? s.no_profile : `${s.error} (${this._error})`)}</div>`;
    } else if (!this._data) {
      body = `<div class="muted">…</div>`;
    } else {
      const parts = {
        today: () => this._today(s),
        hrv: () => this._hrv(s, lang),
        resting_hr: () => this._restingHr(s, lang),
        sleep: () => this._sleep(s, lang),
        training: () => this._training(s, lang),
        breathing: () => this._breathing(s),
      };
      body = this._config.sections.map((name) => parts[name]()).join("");
    }
    const title = this._config.title ?? (this._data ? this._data.name : s.readiness);
    const html = `<style>${STYLE}</style><ha-card><h2>${esc(title)}</h2>${body}</ha-card>`;
    if (html !== this._html) {
      this._html = html;
      this.shadowRoot.innerHTML = html;
      this._drawPacer();
    }
  }
}

class RecoveryReadinessStrategy extends HTMLElement {
  static async generate(config, hass) {
    const profiles = await hass.callWS({ type: `${DOMAIN}/profiles` });
    const s = strings(hass);
    const card = (p) => ({
      type: `custom:${CARD}`,
      profile: p.profile,
      ...(config.sections ? { sections: config.sections } : {}),
      ...(config.unit ? { unit: config.unit } : {}),
    });
    return {
      title: "Recovery Readiness",
      views: [
        {
          title: s.readiness,
          path: "readiness",
          icon: "mdi:heart-pulse",
          cards: profiles.length
            ? profiles.map(card)
            : [{ type: "markdown", content: s.no_profile }],
        },
      ],
    };
  }
}

const STRATEGY = "ll-strategy-dashboard-recovery-readiness";

/**
 * Define the card and the strategy in the registry the frontend will look them up in.
 *
 * Home Assistant imports this module with a dynamic import() in its own inline script, side by
 * side with its app bundle, so nothing orders the two. The app bundle first runs the
 * @webcomponents/scoped-custom-element-registry polyfill, which REPLACES window.customElements
 * with a new registry that knows nothing of earlier define() calls; afterwards the frontend
 * asks that registry (customElements.whenDefined / get, 5 s limit for a strategy). When this
 * small module happened to run before the app bundle (a slow or busy machine fetching and
 * compiling the big bundle), its elements were defined in the abandoned native registry and
 * the dashboard failed with "Timeout waiting for strategy element". The app defines its root
 * element <home-assistant> after installing the polyfill, so define ours only once that element
 * exists in the registry current then (at once when it already does). Without the polyfill
 * (other frontend versions) the same rule holds.
 */
function defineElements() {
  const registry = window.customElements;
  if (!registry.get(CARD)) registry.define(CARD, RecoveryReadinessCard);
  if (!registry.get(STRATEGY)) registry.define(STRATEGY, RecoveryReadinessStrategy);
}

if (window.customElements.get("home-assistant")) defineElements();
else window.customElements.whenDefined("home-assistant").then(defineElements);
window.customCards = window.customCards || [];
if (!window.customCards.some((c) => c.type === CARD)) {
  window.customCards.push({
    type: CARD,
    name: "Recovery Readiness",
    description: "Readiness, HRV with its normal range, resting heart rate, sleep, training load and guided breathing of one person.",
    preview: false,
    documentationURL: "https://github.com/recovery-readiness/recovery_readiness#the-dashboard-card",
  });
}
