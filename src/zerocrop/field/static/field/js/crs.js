/* WGS84 → GCJ-02 (高德/腾讯) and distances on the sphere: a port of the public forward
   formula used by zerocrop/geo/crs.py (same constants, same China box). */

const GCJ_BOX = [72.004, 0.8293, 137.8347, 55.8271];
const A = 6378245.0;
const EE = 0.00669342162296594323;
const EARTH_R = 6371008.8;
const rad = (d) => (d * Math.PI) / 180;

function offset(lon, lat) {
  const x = lon - 105.0;
  const y = lat - 35.0;
  const sqrtAbsX = Math.sqrt(Math.abs(x));
  const common = ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  let dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrtAbsX + common
    + ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3
    + ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  let dLon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrtAbsX + common
    + ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3
    + ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  const radLat = rad(lat);
  const magic = 1 - EE * Math.sin(radLat) ** 2;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  dLon = (dLon * 180) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [dLon, dLat];
}

export function wgs84ToGcj02(lon, lat) {
  const inside = lon >= GCJ_BOX[0] && lon <= GCJ_BOX[2] && lat >= GCJ_BOX[1] && lat <= GCJ_BOX[3];
  if (!inside) return [lon, lat];
  const [dLon, dLat] = offset(lon, lat);
  return [lon + dLon, lat + dLat];
}

/* Great-circle distance in metres between two [lon, lat]. */
export function distanceM(a, b) {
  const dLat = rad(b[1] - a[1]);
  const dLon = rad(b[0] - a[0]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_R * Math.asin(Math.min(1, Math.sqrt(h)));
}

/* Initial bearing in degrees (0 = north, clockwise) from a to b. */
export function bearingDeg(a, b) {
  const y = Math.sin(rad(b[0] - a[0])) * Math.cos(rad(b[1]));
  const x = Math.cos(rad(a[1])) * Math.sin(rad(b[1]))
    - Math.sin(rad(a[1])) * Math.cos(rad(b[1])) * Math.cos(rad(b[0] - a[0]));
  return ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
}

export function formatDistance(m) {
  if (!Number.isFinite(m)) return "—";
  return m < 1000 ? `${Math.round(m)} 米` : `${(m / 1000).toFixed(m < 10000 ? 2 : 1)} 公里`;
}

const DIRECTIONS = ["北", "东北", "东", "东南", "南", "西南", "西", "西北"];
export function directionName(deg) {
  return DIRECTIONS[Math.round(deg / 45) % 8];
}

/* A representative [lon, lat] of a GeoJSON geometry (a point, or the mean of a ring's vertices). */
export function anchor(geometry) {
  if (!geometry) return null;
  if (geometry.type === "Point") return geometry.coordinates;
  let ring = null;
  if (geometry.type === "Polygon") ring = geometry.coordinates[0];
  else if (geometry.type === "MultiPolygon") ring = geometry.coordinates[0][0];
  else if (geometry.type === "LineString") ring = geometry.coordinates;
  if (!ring || !ring.length) return null;
  const n = ring.length;
  return [ring.reduce((s, p) => s + p[0], 0) / n, ring.reduce((s, p) => s + p[1], 0) / n];
}
