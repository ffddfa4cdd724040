//! Variation selection from a bucket value: packed layout (spec §4.5) and anchored layout (§4.6).

use serde_json::Value;

/// Anchors of the anchored layout live on a fixed 0..10000 axis, whatever `max_traffic` is.
const ANCHOR_SCALE: f64 = 10000.0;

/// How an experience lays its variations out on the bucket-value axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Cumulative walk over the running variations (`version` ≤ 11, absent or non-numeric).
    Packed,
    /// Fixed anchors over all variations (`version` > 11).
    Anchored,
}

/// Layout gate of §4.6: JS `Number(version) > 11`, for numbers and numeric strings; anything
/// else (absent, null, bool, non-numeric string, array, object) is packed.
pub fn layout_for_version(version: Option<&Value>) -> Layout {
    match version.and_then(js_number) {
        Some(v) if v > 11.0 => Layout::Anchored,
        _ => Layout::Packed,
    }
}

/// One variation as read from the config: raw fields, `None` when the key is absent.
#[derive(Debug, Clone, Copy)]
pub struct Arm<'a> {
    pub id: &'a str,
    pub status: Option<&'a Value>,
    pub traffic_allocation: Option<&'a Value>,
}

/// Selects a variation for `bucket_value`; `None` means "not decided".
///
/// Returns the index of the first arm whose id is the selected id (the reference SDK
/// looks the variation up by id, so with duplicate ids the first one is served).
pub fn select_arm(layout: Layout, arms: &[Arm<'_>], bucket_value: u32) -> Option<usize> {
    let id = match layout {
        Layout::Packed => select_packed(arms, bucket_value),
        Layout::Anchored => select_anchored(arms, bucket_value),
    }?;
    arms.iter().position(|arm| arm.id == id)
}

/// §4.5: running candidates with a positive (or absent) weight, array-index ids ascending first,
/// then other ids in config order; cumulative f64 walk with a strict `<`.
fn select_packed<'a>(arms: &[Arm<'a>], bucket_value: u32) -> Option<&'a str> {
    // The candidates of up to 8 arms are collected on the stack.
    const ON_STACK: usize = 8;
    const NONE: PackedBucket<'static> = (None, "", 0.0);
    if arms.len() <= ON_STACK {
        let mut buckets = [NONE; ON_STACK];
        let n = packed_buckets(arms, &mut buckets);
        walk_packed(&mut buckets[..n], bucket_value)
    } else {
        let mut buckets = vec![NONE; arms.len()];
        let n = packed_buckets(arms, &mut buckets);
        walk_packed(&mut buckets[..n], bucket_value)
    }
}

/// (array index of the id, id, weight) of a packed candidate.
type PackedBucket<'a> = (Option<u32>, &'a str, f64);

/// Writes the packed candidates into `out` (one entry per distinct id, the last weight of an id
/// wins) and returns their number; `out` has room for one per arm.
fn packed_buckets<'a>(arms: &[Arm<'a>], out: &mut [PackedBucket<'a>]) -> usize {
    let mut n = 0;
    for arm in arms.iter().filter(|arm| !arm.id.is_empty() && is_running(arm.status)) {
        let Some(weight) = packed_weight(arm.traffic_allocation) else {
            continue;
        };
        match out[..n].iter_mut().find(|(_, id, _)| *id == arm.id) {
            Some(bucket) => bucket.2 = weight,
            None => {
                out[n] = (array_index(arm.id), arm.id, weight);
                n += 1;
            }
        }
    }
    n
}

/// The cumulative walk over the candidates, index ids ascending first.
fn walk_packed<'a>(buckets: &mut [PackedBucket<'a>], bucket_value: u32) -> Option<&'a str> {
    // Stable sort: non-index ids keep their config order after all index ids.
    buckets.sort_by_key(|(index, _, _)| (index.is_none(), *index));
    let value = f64::from(bucket_value);
    let mut prev = 0.0;
    buckets.iter().find_map(|&(_, id, weight)| {
        prev += weight * 100.0;
        (value < prev).then_some(id)
    })
}

/// Packed weight: 100 when absent, the numeric value when it is `> 0`, else excluded (`None`).
fn packed_weight(traffic_allocation: Option<&Value>) -> Option<f64> {
    match traffic_allocation {
        None => Some(100.0),
        Some(value) => js_number(value).filter(|weight| *weight > 0.0),
    }
}

/// §4.6: every arm with an id keeps its weight in config order; only active arms get a width.
fn select_anchored<'a>(arms: &[Arm<'a>], bucket_value: u32) -> Option<&'a str> {
    let entries = || {
        arms.iter()
            .filter(|arm| !arm.id.is_empty())
            .map(|arm| (arm.id, anchored_entry(arm)))
    };
    let total: f64 = entries().map(|(_, (allocation, _))| allocation).sum();
    if total <= 0.0 {
        return None;
    }
    let value = f64::from(bucket_value);
    let mut cum = 0.0;
    for (id, (allocation, active)) in entries() {
        let anchor = (cum / total) * ANCHOR_SCALE;
        let width = if active { allocation * 100.0 } else { 0.0 };
        if anchor <= value && value < anchor + width {
            return Some(id);
        }
        cum += allocation;
    }
    None
}

/// Anchored `(allocation, active)`: a non-numeric or absent allocation counts as an active 100.
fn anchored_entry(arm: &Arm<'_>) -> (f64, bool) {
    let numeric = arm.traffic_allocation.and_then(js_number);
    let active = is_running(arm.status) && numeric.is_none_or(|allocation| allocation > 0.0);
    (numeric.unwrap_or(100.0), active)
}

/// Status gate shared by both layouts: absent or exactly `"running"`.
fn is_running(status: Option<&Value>) -> bool {
    match status {
        None => true,
        Some(value) => value.as_str() == Some("running"),
    }
}

/// A canonical JS array index: `"0"` or digits without a leading zero, value ≤ 4294967294.
fn array_index(id: &str) -> Option<u32> {
    let canonical = id == "0"
        || (!id.starts_with('0') && !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()));
    if !canonical {
        return None;
    }
    id.parse::<u32>().ok().filter(|&n| n != u32::MAX)
}

/// JS `Number(value)` restricted to JSON numbers and strings; `None` stands for NaN / not numeric.
fn js_number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => js_string_to_number(text),
        _ => None,
    }
}

/// JS `StringToNumber`: surrounding white space ignored, empty → 0, decimal literal,
/// `[+-]Infinity`, or an unsigned `0x`/`0o`/`0b` integer literal.
fn js_string_to_number(text: &str) -> Option<f64> {
    let text = text.trim_matches(is_js_whitespace);
    if text.is_empty() {
        return Some(0.0);
    }
    match text {
        "Infinity" | "+Infinity" => return Some(f64::INFINITY),
        "-Infinity" => return Some(f64::NEG_INFINITY),
        _ => {}
    }
    if let Some(radix_value) = radix_literal(text) {
        return Some(radix_value);
    }
    // Rust's float grammar equals JS's decimal literal once `inf`/`nan` spellings are excluded.
    let decimal = text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if decimal { text.parse().ok() } else { None }
}

/// `0x1A` / `0o17` / `0b101` (case-insensitive prefix, at least one digit, no sign).
fn radix_literal(text: &str) -> Option<f64> {
    let radix = match text.get(..2)? {
        "0x" | "0X" => 16,
        "0o" | "0O" => 8,
        "0b" | "0B" => 2,
        _ => return None,
    };
    let digits = &text[2..];
    if digits.is_empty() {
        return None;
    }
    digits.chars().try_fold(0.0, |acc, c| {
        Some(acc * f64::from(radix) + f64::from(c.to_digit(radix)?))
    })
}

/// JS WhiteSpace and LineTerminator code points (Unicode White_Space minus U+0085, plus U+FEFF).
fn is_js_whitespace(c: char) -> bool {
    (c.is_whitespace() && c != '\u{85}') || c == '\u{feff}'
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn arms(variations: &Value) -> Vec<Arm<'_>> {
        variations
            .as_array()
            .unwrap()
            .iter()
            .map(|v| Arm {
                id: v["id"].as_str().unwrap_or(""),
                status: v.get("status"),
                traffic_allocation: v.get("traffic_allocation"),
            })
            .collect()
    }

    fn pick(layout: Layout, variations: &Value, bucket_value: u32) -> Option<String> {
        let arms = arms(variations);
        select_arm(layout, &arms, bucket_value).map(|i| arms[i].id.to_string())
    }

    fn packed(variations: &Value, bucket_value: u32) -> Option<String> {
        pick(Layout::Packed, variations, bucket_value)
    }

    fn anchored(variations: &Value, bucket_value: u32) -> Option<String> {
        pick(Layout::Anchored, variations, bucket_value)
    }

    fn s(id: &str) -> Option<String> {
        Some(id.to_string())
    }

    #[test]
    fn version_gate() {
        let anchored_versions = [
            json!(12),
            json!(11.5),
            json!(12.0),
            json!("12"),
            json!(" 12\n"),
            json!("0x10"),
            json!("1e2"),
            json!("Infinity"),
        ];
        for v in &anchored_versions {
            assert_eq!(layout_for_version(Some(v)), Layout::Anchored, "{v}");
        }
        let packed_versions = [
            json!(11),
            json!(-12),
            json!("11"),
            json!(""),
            json!("abc"),
            json!("12abc"),
            json!("inf"),
            json!(null),
            json!(true),
            json!([12]),
            json!({"v": 12}),
        ];
        for v in &packed_versions {
            assert_eq!(layout_for_version(Some(v)), Layout::Packed, "{v}");
        }
        assert_eq!(layout_for_version(None), Layout::Packed);
    }

    #[test]
    fn packed_band_edges_are_strict() {
        let v =
            json!([{"id": "1", "traffic_allocation": 50}, {"id": "2", "traffic_allocation": 50}]);
        assert_eq!(packed(&v, 0), s("1"));
        assert_eq!(packed(&v, 4999), s("1"));
        assert_eq!(packed(&v, 5000), s("2"));
        assert_eq!(packed(&v, 9999), s("2"));
    }

    #[test]
    fn packed_total_below_100_leaves_visitors_undecided() {
        let v =
            json!([{"id": "1", "traffic_allocation": 40}, {"id": "2", "traffic_allocation": 40}]);
        assert_eq!(packed(&v, 7999), s("2"));
        assert_eq!(packed(&v, 8000), None);
    }

    #[test]
    fn packed_accumulates_in_f64() {
        // 0.07 * 100 == 7.000000000000001 in doubles: value 7 is inside the first band.
        let v = json!([{"id": "1", "traffic_allocation": 0.07}, {"id": "2", "traffic_allocation": 99.93}]);
        assert_eq!(packed(&v, 7), s("1"));
        assert_eq!(packed(&v, 8), s("2"));
    }

    #[test]
    fn packed_filters_and_defaults() {
        let v = json!([
            {"id": "1", "traffic_allocation": 0},
            {"id": "2", "traffic_allocation": -5},
            {"id": "3", "traffic_allocation": null},
            {"id": "4", "traffic_allocation": "abc"},
            {"id": "5", "traffic_allocation": 10, "status": "stopped"},
            {"id": "6", "traffic_allocation": 10, "status": null},
            {"id": "", "traffic_allocation": 10},
            {"id": "7", "traffic_allocation": "10", "status": "running"},
            {"id": "8"}
        ]);
        assert_eq!(packed(&v, 999), s("7"));
        assert_eq!(packed(&v, 1000), s("8"));
        assert_eq!(packed(&v, 9999), s("8"));
    }

    #[test]
    fn packed_all_excluded_is_undecided() {
        let v = json!([{"id": "1", "status": "stopped"}, {"id": "2", "traffic_allocation": 0}]);
        assert_eq!(packed(&v, 0), None);
        assert_eq!(packed(&json!([]), 0), None);
    }

    #[test]
    fn packed_order_puts_array_indices_first_ascending() {
        let v = json!([
            {"id": "b", "traffic_allocation": 10},
            {"id": "20", "traffic_allocation": 10},
            {"id": "007", "traffic_allocation": 10},
            {"id": "4294967295", "traffic_allocation": 10},
            {"id": "4294967294", "traffic_allocation": 10},
            {"id": "3", "traffic_allocation": 10},
            {"id": "0", "traffic_allocation": 10},
            {"id": "a", "traffic_allocation": 10}
        ]);
        let expected = ["0", "3", "20", "4294967294", "b", "007", "4294967295", "a"];
        for (band, id) in expected.iter().enumerate() {
            let start = band as u32 * 1000;
            assert_eq!(packed(&v, start), s(id), "band {band}");
            assert_eq!(packed(&v, start + 999), s(id), "band {band}");
        }
        assert_eq!(packed(&v, 8000), None);
    }

    #[test]
    fn packed_duplicate_ids_keep_first_position_and_last_weight() {
        let v = json!([
            {"id": "b", "traffic_allocation": 10},
            {"id": "a", "traffic_allocation": 10},
            {"id": "b", "traffic_allocation": 30}
        ]);
        assert_eq!(packed(&v, 2999), s("b"));
        assert_eq!(packed(&v, 3000), s("a"));
        assert_eq!(packed(&v, 3999), s("a"));
        assert_eq!(packed(&v, 4000), None);
        // The index is that of the first arm carrying the selected id.
        let arms = arms(&v);
        assert_eq!(select_arm(Layout::Packed, &arms, 0), Some(0));
    }

    #[test]
    fn anchored_band_edges_are_half_open() {
        let v = json!([{"id": "O", "traffic_allocation": 10}, {"id": "V1", "traffic_allocation": 80}, {"id": "V2", "traffic_allocation": 10}]);
        assert_eq!(anchored(&v, 999), s("O"));
        assert_eq!(anchored(&v, 1000), s("V1"));
        assert_eq!(anchored(&v, 8999), s("V1"));
        assert_eq!(anchored(&v, 9000), s("V2"));
        assert_eq!(anchored(&v, 9999), s("V2"));
    }

    #[test]
    fn anchored_uses_config_order_and_total_of_all_arms() {
        // Total 15: "20" anchored at 0, "10" at 3333.33…, "b" at 6666.66…, each 500 wide.
        let v = json!([{"id": "20", "traffic_allocation": 5}, {"id": "10", "traffic_allocation": 5}, {"id": "b", "traffic_allocation": 5, "status": "stopped"}]);
        assert_eq!(anchored(&v, 499), s("20"));
        assert_eq!(anchored(&v, 500), None);
        assert_eq!(anchored(&v, 3333), None);
        assert_eq!(anchored(&v, 3334), s("10"));
        assert_eq!(anchored(&v, 3833), s("10"));
        assert_eq!(anchored(&v, 3834), None);
        assert_eq!(anchored(&v, 6667), None);
    }

    #[test]
    fn anchored_inactive_arms_keep_weight_and_null_counts_as_100() {
        let v = json!([
            {"id": "A", "traffic_allocation": 50, "status": "stopped"},
            {"id": "", "traffic_allocation": 1000},
            {"id": "B", "traffic_allocation": null}
        ]);
        // Total 150: A's zero-width slot at 0, B at 3333.33… with width 10000.
        assert_eq!(anchored(&v, 0), None);
        assert_eq!(anchored(&v, 3333), None);
        assert_eq!(anchored(&v, 3334), s("B"));
        assert_eq!(anchored(&v, 9999), s("B"));
    }

    #[test]
    fn anchored_non_positive_total_or_all_stopped_is_undecided() {
        assert_eq!(
            anchored(
                &json!([{"id": "A", "traffic_allocation": 0}, {"id": "B", "traffic_allocation": 0}]),
                0
            ),
            None
        );
        assert_eq!(
            anchored(
                &json!([{"id": "A", "traffic_allocation": 50}, {"id": "B", "traffic_allocation": -60}]),
                0
            ),
            None
        );
        assert_eq!(
            anchored(
                &json!([{"id": "A", "status": "stopped"}, {"id": "B", "status": "paused"}]),
                0
            ),
            None
        );
        assert_eq!(anchored(&json!([]), 0), None);
    }

    #[test]
    fn array_index_rules() {
        assert_eq!(array_index("0"), Some(0));
        assert_eq!(array_index("1003180877"), Some(1_003_180_877));
        assert_eq!(array_index("4294967294"), Some(4_294_967_294));
        for id in [
            "",
            "00",
            "01",
            "+1",
            "-1",
            "1.0",
            "4294967295",
            "99999999999",
            "1a",
        ] {
            assert_eq!(array_index(id), None, "{id}");
        }
    }

    #[test]
    fn js_string_numbers() {
        assert_eq!(js_string_to_number(" 50 "), Some(50.0));
        assert_eq!(js_string_to_number("\u{feff}1.5e1"), Some(15.0));
        assert_eq!(js_string_to_number(".5"), Some(0.5));
        assert_eq!(js_string_to_number("5."), Some(5.0));
        assert_eq!(js_string_to_number("0b101"), Some(5.0));
        assert_eq!(js_string_to_number("0O17"), Some(15.0));
        assert_eq!(js_string_to_number("-Infinity"), Some(f64::NEG_INFINITY));
        for text in [
            "\u{85}1", "0x", "-0x10", "1_000", "NaN", "infinity", "1e", ".", "1,5",
        ] {
            assert_eq!(js_string_to_number(text), None, "{text:?}");
        }
    }
}
