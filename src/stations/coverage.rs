//! The coverage of a district by the 15-minute circle: of the named places staff keep there
//! (transport hubs, logistics parks, building sites, gathering places), the share with an open
//! station within the circle, the gaps by name with how far the nearest station is, and a map
//! drawn on the server (no map tiles: nothing outside is reachable).

use std::collections::HashMap;

use sqlx::PgExecutor;

use crate::geo::{self, Point};

/// A place and the open station nearest to it.
#[derive(Debug, Clone)]
pub struct PlaceCover {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub point: Point,
    pub nearest: Option<(String, i64)>,
}

impl PlaceCover {
    pub fn is_covered(&self) -> bool {
        self.nearest
            .as_ref()
            .is_some_and(|(_, metres)| *metres <= geo::CIRCLE_METRES)
    }
}

/// Every place of the district with its nearest open station. The stations around the
/// district's places are put in a grid of cells as wide as the circle, so each place measures
/// only the stations of its own and the eight neighbouring cells: 100,000 places take a few
/// hundred milliseconds, where a nearest-neighbour search per place took seconds. A place with
/// no station in those cells is a gap; its nearest station, however far, comes from the
/// stations' GiST index.
pub async fn places(db: &sqlx::PgPool, district_id: i64) -> sqlx::Result<Vec<PlaceCover>> {
    let rows = sqlx::query!(
        "select id, name, kind, lat_e6, lon_e6 from places where district_id = $1 order by name",
        district_id
    )
    .fetch_all(db)
    .await?;
    let mut places: Vec<PlaceCover> = rows
        .into_iter()
        .filter_map(|r| {
            Some(PlaceCover {
                id: r.id,
                name: r.name,
                kind: r.kind,
                point: Point::new(r.lat_e6, r.lon_e6)?,
                nearest: None,
            })
        })
        .collect();
    let Some(grid) = Grid::around(&places) else {
        return Ok(places);
    };
    let (south, north, west, east) = grid.bounds();
    let stations = sqlx::query!(
        "select name, lat_e6, lon_e6 from stations
         where status = 'open' and kind <> 'mobile'
           and lat_e6 between $1 and $2 and lon_e6 between $3 and $4",
        south,
        north,
        west,
        east
    )
    .fetch_all(db)
    .await?;
    let stations: Vec<(String, Point)> = stations
        .into_iter()
        .filter_map(|r| Some((r.name, Point::new(r.lat_e6, r.lon_e6)?)))
        .collect();
    let cells = grid.cells(stations.iter().map(|(_, point)| *point));
    let mut gaps = Vec::new();
    for place in &mut places {
        let nearest = grid
            .neighbours(&cells, place.point)
            .map(|n| (n, place.point.metres_to(stations[n].1)))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        place.nearest = nearest.map(|(n, metres)| (stations[n].0.clone(), metres.round() as i64));
        if !place.is_covered() {
            gaps.push(place.id);
        }
    }
    if !gaps.is_empty() {
        let nearest = sqlx::query!(
            r#"select p.id as "id!", n.name as "station?", n.metres as "metres?"
               from places p
               left join lateral (
                   select s.name,
                          earth_distance(station_earth(p.lat_e6, p.lon_e6),
                                         s.earth) as metres
                   from stations s
                   where s.status = 'open' and s.kind <> 'mobile'
                   order by s.earth <-> station_earth(p.lat_e6, p.lon_e6)
                   limit 1
               ) n on true
               where p.id = any($1)"#,
            &gaps
        )
        .fetch_all(db)
        .await?;
        let nearest: std::collections::HashMap<i64, (String, i64)> = nearest
            .into_iter()
            .filter_map(|r| Some((r.id, (r.station?, r.metres?.round() as i64))))
            .collect();
        for place in &mut places {
            if let Some(found) = nearest.get(&place.id) {
                place.nearest = Some(found.clone());
            }
        }
    }
    Ok(places)
}

/// Cells of the map as wide as the circle (in millionths of a degree), over the places' area
/// widened by one cell on each side.
struct Grid {
    cell_lat: i32,
    cell_lon: i32,
    south: i32,
    north: i32,
    west: i32,
    east: i32,
}

impl Grid {
    fn around(places: &[PlaceCover]) -> Option<Self> {
        let south = places.iter().map(|p| p.point.lat_e6).min()?;
        let north = places.iter().map(|p| p.point.lat_e6).max()?;
        let west = places.iter().map(|p| p.point.lon_e6).min()?;
        let east = places.iter().map(|p| p.point.lon_e6).max()?;
        // A degree of latitude is 111.3 km on the database's sphere; a degree of longitude
        // that times the cosine of the latitude, narrowest at the area's edge farthest from the
        // equator. A tenth more, for safety.
        let cell_lat = (geo::CIRCLE_METRES as f64 / 111_317.0 * 1.1e6).ceil() as i32;
        let widest = f64::from(south.abs().max(north.abs()) + cell_lat) / 1e6;
        let cos = widest.min(89.0).to_radians().cos();
        let cell_lon = (f64::from(cell_lat) / cos).ceil() as i32;
        Some(Self {
            cell_lat,
            cell_lon,
            south: south.saturating_sub(cell_lat),
            north: north.saturating_add(cell_lat),
            west: west.saturating_sub(cell_lon),
            east: east.saturating_add(cell_lon),
        })
    }

    fn bounds(&self) -> (i32, i32, i32, i32) {
        (self.south, self.north, self.west, self.east)
    }

    fn cell(&self, point: Point) -> (i32, i32) {
        (
            (point.lat_e6 - self.south) / self.cell_lat,
            (point.lon_e6 - self.west) / self.cell_lon,
        )
    }

    /// The stations' indexes by cell.
    fn cells(&self, stations: impl Iterator<Item = Point>) -> HashMap<(i32, i32), Vec<usize>> {
        let mut cells: HashMap<(i32, i32), Vec<usize>> = HashMap::new();
        for (n, point) in stations.enumerate() {
            cells.entry(self.cell(point)).or_default().push(n);
        }
        cells
    }

    /// The stations of a point's cell and the eight around it: every station within the
    /// circle is among them.
    fn neighbours<'a>(
        &self,
        cells: &'a HashMap<(i32, i32), Vec<usize>>,
        point: Point,
    ) -> impl Iterator<Item = usize> + 'a {
        let (row, column) = self.cell(point);
        (row - 1..=row + 1)
            .flat_map(move |r| (column - 1..=column + 1).map(move |c| (r, c)))
            .filter_map(|key| cells.get(&key))
            .flatten()
            .copied()
    }
}

/// An open station of the district, to draw.
#[derive(Debug, Clone)]
pub struct Dot {
    pub name: String,
    pub point: Point,
}

pub async fn stations_of(db: impl PgExecutor<'_>, district_id: i64) -> sqlx::Result<Vec<Dot>> {
    let rows = sqlx::query!(
        "select name, lat_e6, lon_e6 from stations
         where district_id = $1 and status = 'open' and kind <> 'mobile' order by code",
        district_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Dot {
                name: r.name,
                point: Point::new(r.lat_e6, r.lon_e6)?,
            })
        })
        .collect())
}

/// Districts with how many places and open stations each has, for the report's first page.
pub async fn districts(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(i64, String, i64, i64)>> {
    let rows = sqlx::query!(
        r#"select d.id, d.name,
                  (select count(*) from places p where p.district_id = d.id) as "places!",
                  (select count(*) from stations s where s.district_id = d.id
                   and s.status = 'open' and s.kind <> 'mobile') as "stations!"
           from districts d order by d.id"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, r.name, r.places, r.stations))
        .collect())
}

/// The most places the map draws (the gaps first); the table lists them all.
pub const MOST_DRAWN: usize = 3_000;

/// A map of a district as SVG coordinates: stations with their circles, places covered or not,
/// the district's label at its centre. Equirectangular around the middle latitude, which is
/// true to a few metres across a district.
#[derive(Debug, Clone, Default)]
pub struct Map {
    pub width: i64,
    pub height: i64,
    /// The circle's radius in the map's units.
    pub radius: f64,
    pub stations: Vec<(f64, f64, String)>,
    pub places: Vec<(f64, f64, String, bool)>,
    pub label: (f64, f64),
    /// Places left off the drawing.
    pub left_off: usize,
}

impl Map {
    pub const WIDTH: f64 = 800.0;
    pub const HIGHEST: f64 = 900.0;

    pub fn draw(centre: Point, stations: &[Dot], places: &[PlaceCover]) -> Self {
        let mut drawn: Vec<&PlaceCover> = places.iter().filter(|p| !p.is_covered()).collect();
        drawn.extend(places.iter().filter(|p| p.is_covered()));
        let left_off = drawn.len().saturating_sub(MOST_DRAWN);
        drawn.truncate(MOST_DRAWN);
        let points = stations
            .iter()
            .map(|s| s.point)
            .chain(drawn.iter().map(|p| p.point))
            .chain(std::iter::once(centre));
        let (mut south, mut north, mut west, mut east) = (90.0f64, -90.0f64, 180.0f64, -180.0f64);
        for point in points {
            south = south.min(point.lat());
            north = north.max(point.lat());
            west = west.min(point.lon());
            east = east.max(point.lon());
        }
        // A circle's width of margin all round.
        let margin = geo::CIRCLE_METRES as f64 / 111_320.0;
        let squeeze = ((south + north) / 2.0).to_radians().cos();
        let (south, north) = (south - margin, north + margin);
        let (west, east) = (west - margin / squeeze, east + margin / squeeze);
        let across = ((east - west) * squeeze).max(1e-6);
        let scale = (Self::WIDTH / across).min(Self::HIGHEST / (north - south));
        let (width, height) = (across * scale, (north - south) * scale);
        let at = |point: Point| {
            (
                round1((point.lon() - west) * squeeze * scale),
                round1((north - point.lat()) * scale),
            )
        };
        Self {
            width: width.round() as i64,
            height: height.round() as i64,
            radius: round1(margin * scale),
            stations: stations
                .iter()
                .map(|s| {
                    let (x, y) = at(s.point);
                    (x, y, s.name.clone())
                })
                .collect(),
            places: drawn
                .iter()
                .map(|p| {
                    let (x, y) = at(p.point);
                    (x, y, p.name.clone(), p.is_covered())
                })
                .collect(),
            label: at(centre),
            left_off,
        }
    }
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(name: &str, lat_e6: i32, lon_e6: i32, metres: i64) -> PlaceCover {
        PlaceCover {
            id: 0,
            name: name.into(),
            kind: "gathering_place".into(),
            point: Point::new(lat_e6, lon_e6).unwrap(),
            nearest: Some(("站".into(), metres)),
        }
    }

    #[test]
    fn the_map_keeps_north_up_and_draws_gaps_first() {
        let centre = Point::new(39_000_000, 121_000_000).unwrap();
        let north = place("北", 39_010_000, 121_000_000, 2_000);
        let south = place("南", 38_990_000, 121_000_000, 100);
        let stations = [Dot {
            name: "站".into(),
            point: centre,
        }];
        let map = Map::draw(centre, &stations, &[south.clone(), north.clone()]);
        assert_eq!(map.places[0].2, "北", "the gap first");
        assert!(map.places[0].1 < map.places[1].1, "north is up");
        assert!(!map.places[0].3 && map.places[1].3);
        // 0.037 degrees from south to north fill the 900 units of height; 960 m is 0.0086.
        assert!(map.height == 900 && map.width < 800);
        assert!(map.radius > 150.0 && map.radius < 250.0, "{}", map.radius);
        assert!(south.is_covered() && !north.is_covered());
    }
}
