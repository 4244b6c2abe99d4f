//! Points on the map, kept as fixed-point degrees (millionths, about 0.1 m), read from what staff
//! paste out of a map app, and the walking rule of the 15-minute service circle.
//!
//! Chinese map apps (高德, 腾讯, 百度's exported GCJ-02) publish coordinates shifted from GPS by the
//! national datum (GCJ-02, a few hundred metres); stations are entered from those apps, so the app
//! keeps GCJ-02 throughout, and a phone's own position (GPS, WGS-84) is shifted the same way
//! before it is compared.

/// Minutes of walking that make the circle.
pub const WALK_MINUTES: i64 = 15;
/// A walker's pace, metres a minute.
pub const METRES_PER_MINUTE: i64 = 80;
/// How much longer a walk along streets is than the straight line, in hundredths.
pub const DETOUR_PERCENT: i64 = 125;
/// The circle's straight-line radius: 15 minutes at 80 m a minute is 1,200 m of street, which is
/// 960 m as the crow flies.
pub const CIRCLE_METRES: i64 = WALK_MINUTES * METRES_PER_MINUTE * 100 / DETOUR_PERCENT;

/// The radius of earthdistance's sphere (its `earth()`), metres.
pub const EARTH_METRES: f64 = 6_378_168.0;

/// The straight line through the earth between two points `metres` apart along its surface
/// (earthdistance's `gc_to_sec`). Compared in chords, the finder's statement needs no SQL function
/// per station: `earth_distance` runs the non-inlinable `sec_to_gc` for every row.
pub fn chord_of(metres: f64) -> f64 {
    2.0 * EARTH_METRES * (metres / (2.0 * EARTH_METRES)).sin()
}

/// Metres along the surface between two points a `chord` apart (earthdistance's `sec_to_gc`).
pub fn metres_of_chord(chord: f64) -> f64 {
    2.0 * EARTH_METRES * (chord / (2.0 * EARTH_METRES)).clamp(0.0, 1.0).asin()
}

/// Minutes on foot to a place `metres` away in a straight line (rounded up).
pub fn walking_minutes(metres: f64) -> i64 {
    let street = metres * DETOUR_PERCENT as f64 / 100.0;
    (street / METRES_PER_MINUTE as f64).ceil().max(1.0) as i64
}

/// A point in GCJ-02, in millionths of a degree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    pub lat_e6: i32,
    pub lon_e6: i32,
}

impl Point {
    pub fn new(lat_e6: i32, lon_e6: i32) -> Option<Self> {
        let point = Self { lat_e6, lon_e6 };
        (lat_e6.abs() <= 90_000_000 && lon_e6.abs() <= 180_000_000).then_some(point)
    }

    /// Reads "38.914, 121.614" as latitude and longitude, or a map app's "121.614,38.914"
    /// (longitude first): a value beyond ±90 can only be the longitude. Commas, spaces and the
    /// full-width comma separate; at most six decimals count.
    pub fn parse(text: &str) -> Option<Self> {
        let parts: Vec<&str> = text
            .split([',', '，', ' ', '\t', ';'])
            .filter(|part| !part.is_empty())
            .collect();
        let [first, second] = parts.as_slice() else {
            return None;
        };
        let (a, b) = (degrees_e6(first)?, degrees_e6(second)?);
        if a.abs() > 90_000_000 && b.abs() <= 90_000_000 {
            Self::new(b, a)
        } else {
            Self::new(a, b)
        }
    }

    pub fn lat(self) -> f64 {
        f64::from(self.lat_e6) / 1e6
    }

    pub fn lon(self) -> f64 {
        f64::from(self.lon_e6) / 1e6
    }

    /// As forms show it: "38.914000, 121.614000".
    pub fn text(self) -> String {
        format!("{}, {}", fixed(self.lat_e6), fixed(self.lon_e6))
    }

    /// Straight-line metres to `other` on a sphere of the earth's mean radius (what the
    /// database's earthdistance uses).
    pub fn metres_to(self, other: Self) -> f64 {
        let (lat1, lat2) = (self.lat().to_radians(), other.lat().to_radians());
        let dlat = lat2 - lat1;
        let dlon = (other.lon() - self.lon()).to_radians();
        let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * EARTH_METRES * h.sqrt().asin()
    }

    /// The point on earthdistance's sphere, x, y and z in metres, as `ll_to_earth` makes it (and
    /// the stations' `earth` column holds). Made here, the database need not run `ll_to_earth`'s
    /// SQL functions for each request.
    pub fn earth(self) -> [f64; 3] {
        let (lat, lon) = (self.lat().to_radians(), self.lon().to_radians());
        [
            EARTH_METRES * lat.cos() * lon.cos(),
            EARTH_METRES * lat.cos() * lon.sin(),
            EARTH_METRES * lat.sin(),
        ]
    }

    /// A GPS position (WGS-84, what a phone reports) as Chinese maps draw it (GCJ-02). Outside
    /// mainland China the two agree.
    pub fn from_gps(lat: f64, lon: f64) -> Option<Self> {
        if !(lat.is_finite() && lon.is_finite()) {
            return None;
        }
        let (lat, lon) = if in_china(lat, lon) {
            let (dlat, dlon) = gcj_offset(lat, lon);
            (lat + dlat, lon + dlon)
        } else {
            (lat, lon)
        };
        Self::new((lat * 1e6).round() as i32, (lon * 1e6).round() as i32)
    }
}

/// "38.914" → 38914000, without floating point; more than six decimals are cut.
fn degrees_e6(text: &str) -> Option<i32> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty()
        || whole.len() > 3
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut value: i64 = whole.parse().ok()?;
    let mut six: String = fraction.chars().take(6).collect();
    while six.len() < 6 {
        six.push('0');
    }
    value = value * 1_000_000 + six.parse::<i64>().ok()?;
    let value = if negative { -value } else { value };
    i32::try_from(value).ok()
}

fn fixed(e6: i32) -> String {
    let sign = if e6 < 0 { "-" } else { "" };
    let abs = e6.unsigned_abs();
    format!("{sign}{}.{:06}", abs / 1_000_000, abs % 1_000_000)
}

fn in_china(lat: f64, lon: f64) -> bool {
    (0.8293..=55.8271).contains(&lat) && (72.004..=137.8347).contains(&lon)
}

/// The published approximation of the GCJ-02 shift (Krasovsky ellipsoid).
fn gcj_offset(lat: f64, lon: f64) -> (f64, f64) {
    use std::f64::consts::PI;
    const A: f64 = 6_378_245.0;
    const EE: f64 = 0.006_693_421_622_965_943;
    let (x, y) = (lon - 105.0, lat - 35.0);
    let wave = |a: f64, b: f64| {
        (20.0 * (6.0 * a * PI).sin() + 20.0 * (2.0 * a * PI).sin()) * 2.0 / 3.0
            + (20.0 * (b * PI).sin() + 40.0 * (b / 3.0 * PI).sin()) * 2.0 / 3.0
    };
    let mut dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    dlat += wave(x, y) - (40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0
        + (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    let mut dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    dlon += wave(x, x) - (40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0
        + (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    let rad = lat / 180.0 * PI;
    let magic = 1.0 - EE * rad.sin() * rad.sin();
    let sqrt_magic = magic.sqrt();
    (
        (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI),
        (dlon * 180.0) / (A / sqrt_magic * rad.cos() * PI),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_are_read_either_way_round_and_kept_exact() {
        let station = Point::parse("38.914, 121.614").unwrap();
        assert_eq!(station, Point::new(38_914_000, 121_614_000).unwrap());
        assert_eq!(Point::parse("121.614,38.914"), Some(station));
        assert_eq!(Point::parse("38.9140001234，121.614"), Some(station));
        assert_eq!(station.text(), "38.914000, 121.614000");
        for bad in ["", "38.9", "北纬38度", "95, 200", "38.9.1, 121", "1e3, 5"] {
            assert_eq!(Point::parse(bad), None, "{bad}");
        }
        assert_eq!(
            Point::parse("-33.8688, 151.2093").unwrap().text(),
            "-33.868800, 151.209300"
        );
    }

    #[test]
    fn the_circle_is_fifteen_minutes_on_foot() {
        assert_eq!(CIRCLE_METRES, 960);
        assert_eq!(walking_minutes(960.0), 15);
        assert_eq!(walking_minutes(961.0), 16);
        assert_eq!(walking_minutes(10.0), 1);
        // 0.001 degree of latitude is about 111 m.
        let a = Point::new(38_914_000, 121_614_000).unwrap();
        let b = Point::new(38_915_000, 121_614_000).unwrap();
        assert!((a.metres_to(b) - 111.3).abs() < 0.5);
    }

    #[test]
    fn chords_and_surface_metres_agree_with_the_sphere() {
        let a = Point::new(38_914_000, 121_614_000).unwrap();
        let b = Point::new(38_921_000, 121_620_000).unwrap();
        let [x1, y1, z1] = a.earth();
        let [x2, y2, z2] = b.earth();
        let chord = ((x1 - x2).powi(2) + (y1 - y2).powi(2) + (z1 - z2).powi(2)).sqrt();
        assert!((metres_of_chord(chord) - a.metres_to(b)).abs() < 0.001);
        assert!((metres_of_chord(chord_of(960.0)) - 960.0).abs() < 1e-6);
        assert!(chord_of(960.0) < 960.0);
        assert!(((x1 * x1 + y1 * y1 + z1 * z1).sqrt() - EARTH_METRES).abs() < 1e-3);
    }

    #[test]
    fn a_phone_position_is_shifted_as_chinese_maps_are() {
        // Dalian: the GCJ-02 shift is a few hundred metres; abroad there is none.
        let gps = Point::from_gps(38.914, 121.614).unwrap();
        let metres = gps.metres_to(Point::new(38_914_000, 121_614_000).unwrap());
        assert!((200.0..800.0).contains(&metres), "{metres}");
        assert_eq!(
            Point::from_gps(51.5, -0.12),
            Point::new(51_500_000, -120_000)
        );
        assert_eq!(Point::from_gps(f64::NAN, 0.0), None);
    }
}
