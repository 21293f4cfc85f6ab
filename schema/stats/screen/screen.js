// The display page (一屏统览): pairs itself, then shows the live dashboard of its scope.
// No build step and no CDN: ECharts and graphql-ws are vendored beside this file.
"use strict";

const ENDPOINT = new URL("/graphql", location.href).toString();
const SOCKET = ENDPOINT.replace(/^http/, "ws");
const STORE = "gongzhi.screen";

const START = `mutation StartScreenPairing { startScreenPairing { __typename
  ... on ScreenPairingSuccess { code deviceSecret expiresAt } } }`;
const COLLECT = `mutation CollectScreenTokens($input: CollectScreenTokensInput!) {
  collectScreenTokens(input: $input) { __typename
    ... on ScreenTokensSuccess { tokens { accessToken accessTokenExpiresAt refreshToken }
      screen { id name scope communityId } }
    ... on InputError { code message } } }`;
const REFRESH = `mutation RefreshScreenToken($input: RefreshTokenInput!) {
  refreshToken(input: $input) { __typename
    ... on LoginSuccess { accessToken accessTokenExpiresAt refreshToken }
    ... on InputError { code message } } }`;
const LIVE = `subscription ScreenDashboard($scope: DashboardScope) {
  dashboard(scope: $scope, period: TODAY) { kind name firstDay lastDay
    panels { key title figures { key label value unit } items { title detail at } map } } }`;

const SHOWN = {
  cases: ["received", "resolved", "resolutionRate", "satisfactionRate", "open", "overdue"],
  consultations: ["rings", "accepted", "solved", "completionRate", "satisfactionRate"],
  station: ["suggestionsReceived", "replyRate", "satisfactionRate", "tasksClaimed", "activitiesHeld", "difficultOpen"],
};

const state = { panels: {}, client: null };
const charts = {};

// --- the stage: 1920×1080, scaled to the window ------------------------------------------
function fit() {
  const scale = Math.min(innerWidth / 1920, innerHeight / 1080);
  const stage = document.getElementById("stage");
  stage.style.transform = `scale(${scale})`;
  stage.style.left = `${(innerWidth - 1920 * scale) / 2}px`;
  stage.style.top = `${(innerHeight - 1080 * scale) / 2}px`;
}
addEventListener("resize", () => { fit(); Object.values(charts).forEach((c) => c.resize()); });

// The manifest's bodies of these operations (/screen/operations.json): a server that runs only
// trusted documents for displays accepts exactly those. The texts above are the fallback.
const OPERATIONS = {};
async function loadOperations() {
  try {
    Object.assign(OPERATIONS, await (await fetch("operations.json")).json());
  } catch { /* the texts above */ }
}
function op(name, text) { return OPERATIONS[name] || text; }

async function graphql(query, variables, token) {
  const headers = { "content-type": "application/json", "x-client-kind": "display" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(ENDPOINT, {
    method: "POST", headers, body: JSON.stringify({ query, variables: variables || {} }),
  });
  return response.json();
}

function saved() {
  try { return JSON.parse(localStorage.getItem(STORE) || "null"); } catch { return null; }
}
function save(value) {
  if (value) localStorage.setItem(STORE, JSON.stringify(value));
  else localStorage.removeItem(STORE);
}

// --- pairing (大屏绑定) ---------------------------------------------------------------------
async function pair() {
  document.getElementById("board").hidden = true;
  document.getElementById("pairing").hidden = false;
  for (;;) {
    const started = (await graphql(op("StartScreenPairing", START))).data.startScreenPairing;
    document.getElementById("pairing-code").textContent = started.code;
    // The server's clock decides when the code has expired (PAIRING_EXPIRED), not this one.
    for (;;) {
      await new Promise((r) => setTimeout(r, 2000));
      const body = await graphql(op("CollectScreenTokens", COLLECT), {
        input: { code: started.code, deviceSecret: started.deviceSecret },
      });
      const got = body.data && body.data.collectScreenTokens;
      if (!got) continue;
      if (got.__typename === "ScreenTokensSuccess") {
        save({ ...got.tokens, screen: got.screen });
        return;
      }
      if (got.code !== "PAIRING_WAITING") break; // expired or used: a new code
    }
  }
}

async function refresh() {
  const current = saved();
  if (!current) return false;
  const body = await graphql(op("RefreshScreenToken", REFRESH), { input: { refreshToken: current.refreshToken } });
  const got = body.data && body.data.refreshToken;
  if (!got || got.__typename !== "LoginSuccess") return false;
  save({ ...current, ...got });
  return true;
}

// --- drawing ---------------------------------------------------------------------------------
function shown(figure) {
  if (figure.value === null || figure.value === undefined) return ["—", ""];
  if (figure.unit === "%") return [(figure.value * 100).toFixed(1), "%"];
  return [String(Math.round(figure.value * 10) / 10), figure.unit];
}

function drawFigures(key) {
  const panel = state.panels[key];
  const box = document.getElementById(`${key}-figures`);
  if (!panel || !box) return;
  box.replaceChildren(...SHOWN[key].map((k) => {
    const figure = panel.figures[k];
    const tile = document.createElement("div");
    tile.className = "figure";
    if (!figure) return tile;
    const [value, unit] = shown(figure);
    tile.innerHTML = '<div class="label"></div><span class="value"></span><span class="unit"></span>';
    tile.querySelector(".label").textContent = figure.label;
    const v = tile.querySelector(".value");
    v.textContent = value;
    v.dataset.figure = `${key}.${k}`;
    tile.querySelector(".unit").textContent = unit;
    return tile;
  }));
}

function drawItems(key) {
  const panel = state.panels[key];
  const list = document.getElementById(`${key}-items`);
  if (!panel || !list) return;
  list.replaceChildren(...panel.items.map((item) => {
    const li = document.createElement("li");
    const what = document.createElement("span");
    what.textContent = item.title;
    const detail = document.createElement("span");
    detail.className = "detail";
    detail.textContent = item.detail;
    const at = document.createElement("time");
    at.textContent = item.at ? new Date(item.at).toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Shanghai" }) : "";
    li.append(what, detail, at);
    return li;
  }));
}

function drawCategories() {
  const panel = state.panels.cases;
  if (!panel) return;
  const hot = Object.values(panel.figures).filter((f) => f.key.startsWith("category:"));
  charts.categories.setOption({
    animation: false,
    grid: { left: 20, right: 30, top: 10, bottom: 20, containLabel: true },
    xAxis: { type: "value", axisLabel: { color: "#8fb3ff", fontSize: 18 }, splitLine: { lineStyle: { color: "#1d4f9a" } } },
    yAxis: { type: "category", inverse: true, data: hot.map((f) => f.label), axisLabel: { color: "#d8e6ff", fontSize: 20 } },
    series: [{ type: "bar", data: hot.map((f) => f.value), itemStyle: { color: "#3a86ff" }, barMaxWidth: 28 }],
  });
}

function drawMap() {
  const map = state.panels.cases && state.panels.cases.map;
  const features = (map && map.features) || [];
  const grids = features.filter((f) => f.properties.kind === "outline");
  const spots = features.filter((f) => f.properties.kind === "spot");
  if (grids.length) echarts.registerMap("gongzhi", { type: "FeatureCollection", features: grids });
  else if (outlines) echarts.registerMap("gongzhi", outlines);
  const view = mapView();
  charts.spots.setOption({
    animation: false,
    geo: view ? {
      map: "gongzhi", roam: false, boundingCoords: view,
      itemStyle: { areaColor: "#0d3068", borderColor: "#3a86ff", borderWidth: 2 },
      label: { show: true, color: "#9cc3ff", fontSize: 20 },
      emphasis: { disabled: true },
    } : undefined,
    xAxis: view ? undefined : { type: "value", scale: true, axisLabel: { color: "#8fb3ff" } },
    yAxis: view ? undefined : { type: "value", scale: true, axisLabel: { color: "#8fb3ff" } },
    series: [{
      type: "effectScatter",
      coordinateSystem: view ? "geo" : "cartesian2d",
      data: spots.map((f) => [...f.geometry.coordinates, f.properties.count]),
      symbolSize: (v) => 10 + Math.sqrt(v[2]) * 8,
      itemStyle: { color: "#ff6b6b" },
    }],
  });
}

// --- the map: the outlines shipped with the page (maps/*.geojson; ECharts has none of China) -
let outlines = null;
async function loadMap() {
  try {
    outlines = await (await fetch("maps/demo-districts.geojson")).json();
    echarts.registerMap("gongzhi", outlines);
  } catch { outlines = null; }
}

/** What the map shows: the scope's grids when it has outlines, else the shipped outline named
 * like the dashboard (a demo street or district); null: no map, the spots on plain axes. */
function mapView() {
  const map = state.panels.cases && state.panels.cases.map;
  const grids = ((map && map.features) || []).filter((f) => f.properties.kind === "outline");
  if (grids.length) return bounds(grids.flatMap((f) => f.geometry.coordinates.flat()));
  if (!outlines) return null;
  const name = document.getElementById("scope-name").textContent;
  const found = outlines.features.find((f) => f.properties.name === name)
    || outlines.features.find((f) => name.includes(f.properties.name));
  if (!found) return null;
  return bounds(found.geometry.coordinates[0]);
}

function bounds(points) {
  const xs = points.map((p) => p[0]), ys = points.map((p) => p[1]);
  const pad = 0.002;
  return [[Math.min(...xs) - pad, Math.max(...ys) + pad], [Math.max(...xs) + pad, Math.min(...ys) - pad]];
}

function merge(dashboard) {
  document.getElementById("scope-name").textContent = dashboard.name;
  for (const panel of dashboard.panels) {
    const known = state.panels[panel.key] || { figures: {}, items: [] };
    for (const f of panel.figures) known.figures[f.key] = f;
    if (panel.items.length) known.items = panel.items;
    if (panel.map) known.map = panel.map;
    state.panels[panel.key] = known;
    if (panel.key in SHOWN) { drawFigures(panel.key); drawItems(panel.key); }
  }
  drawCategories();
  drawMap();
}

// --- live ------------------------------------------------------------------------------------
// The server is the clock: when it ends the stream (the access token expired, TOKEN_EXPIRED),
// the page renews its tokens and subscribes again; when renewing fails (the screen was
// revoked), it forgets them and asks to be paired again.
function connect() {
  const current = saved();
  if (state.client) state.client.dispose();
  const live = document.getElementById("live");
  const client = graphqlWs.createClient({
    url: SOCKET,
    connectionParams: () => ({ authorization: `Bearer ${(saved() || {}).accessToken}` }),
    retryAttempts: Infinity,
    shouldRetry: () => true,
    on: {
      connected: () => live.classList.add("on"),
      closed: () => live.classList.remove("on"),
    },
  });
  state.client = client;
  const scope = current.screen.scope === "COMMUNITY"
    ? { kind: "COMMUNITY", communityId: current.screen.communityId } : { kind: "STREET" };
  client.subscribe({ query: op("ScreenDashboard", LIVE), variables: { scope } }, {
    next: (message) => {
      if (message.data) merge(message.data.dashboard);
      else if (message.errors) restart();
    },
    error: () => restart(),
    complete: () => restart(),
  });
}

let restarting = false;
async function restart() {
  if (restarting) return;
  restarting = true;
  try {
    await new Promise((r) => setTimeout(r, 1000));
    if (!(await refresh())) { save(null); await pair(); show(); }
    connect();
  } finally { restarting = false; }
}

function show() {
  document.getElementById("pairing").hidden = true;
  document.getElementById("board").hidden = false;
  charts.categories = charts.categories || echarts.init(document.getElementById("hot-categories"));
  charts.spots = charts.spots || echarts.init(document.getElementById("hot-spots"));
  requestAnimationFrame(() => Object.values(charts).forEach((c) => c.resize()));
}

function tick() {
  document.getElementById("clock").textContent = new Date().toLocaleString("zh-CN", { hour12: false, timeZone: "Asia/Shanghai" });
}

async function main() {
  fit();
  await loadOperations();
  await loadMap();
  tick();
  setInterval(tick, 1000);
  if (!saved()) await pair();
  show();
  connect();
}

main();
