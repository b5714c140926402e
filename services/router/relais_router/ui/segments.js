// How many SMS segments a reply costs, as the carrier bills it: GSM-7 160/153 (extension
// characters count double), UCS-2 70/67 (UTF-16 code units; a surrogate pair never straddles
// two segments). A faithful port of the Python counter (relais_sandbox.domain.segments); the
// unit test tests/unit/router/test_ui_segments.py runs both over the same strings.

const GSM7_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
const GSM7_EXTENSION = new Set("\f^{}\\[~]|€");

export const LIMITS = {
  "GSM-7": { single: 160, multi: 153 },
  "UCS-2": { single: 70, multi: 67 },
};

/** "GSM-7" when every character is in the basic or extension table, else "UCS-2". */
export function encodingOf(body) {
  // for...of walks code points, as Python iterates a str.
  for (const ch of body) {
    if (!GSM7_BASIC.has(ch) && !GSM7_EXTENSION.has(ch)) return "UCS-2";
  }
  return "GSM-7";
}

// Segments for indivisible units (their sizes) that never straddle two segments.
function pack(units, single, multi) {
  let total = 0;
  for (const size of units) total += size;
  if (total <= single) return { segments: 1, units: total };
  let segments = 1;
  let used = 0;
  for (const size of units) {
    if (used + size > multi) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return { segments, units: total };
}

function unitsOf(body, encoding) {
  const units = [];
  for (const ch of body) {
    if (encoding === "GSM-7") units.push(GSM7_EXTENSION.has(ch) ? 2 : 1);
    else units.push(ch.codePointAt(0) > 0xffff ? 2 : 1);
  }
  return units;
}

/**
 * The whole count for the reply box: encoding, segments (an empty body still costs one),
 * units used (septets or UTF-16 code units) and the per-segment limit that applies.
 */
export function countSegments(body) {
  const encoding = encodingOf(body);
  const { single, multi } = LIMITS[encoding];
  const { segments, units } = pack(unitsOf(body, encoding), single, multi);
  return { encoding, segments, units, perSegment: segments === 1 ? single : multi };
}

/** The characters that force UCS-2 (to show the agent why a message got expensive). */
export function nonGsmCharacters(body) {
  const found = new Set();
  for (const ch of body) {
    if (!GSM7_BASIC.has(ch) && !GSM7_EXTENSION.has(ch)) found.add(ch);
  }
  return [...found];
}
