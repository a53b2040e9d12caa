//! People's ID numbers on each laptop as its role needs them: a technician's laptop holds them
//! masked with the server's keyed hash — never the number, in any byte of its database — and
//! shows and checks the agency's staff exactly as a supervisor's laptop does, which holds the
//! full numbers it keeps the register with.

use super::sync::{rows, sync, Fixture};
use anyhow::{ensure, Result};
use safeserve_core::{mask_id_number, AgencyId};
use safeserve_store::Store;
use std::path::Path;

fn file_bytes(db: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(db).unwrap_or_default();
    bytes.extend(std::fs::read(format!("{}-wal", db.display())).unwrap_or_default());
    bytes
}

#[test]
fn a_technicians_laptop_holds_id_numbers_masked_and_keyed_a_supervisors_in_full() -> Result<()> {
    let fx = Fixture::new(true)?;
    let agency = fx.demo_query("SELECT id FROM agencies ORDER BY seq LIMIT 1")?;
    let division = fx.demo_query("SELECT substr(division, 1, 4) FROM agencies ORDER BY seq LIMIT 1")?;
    fx.user("wang", "technician", &agency)?;
    fx.user("zhao", "supervisor", &division)?;
    let (technician, supervisor) = (fx.laptop("t", "wang", 3)?, fx.laptop("s", "zhao", 4)?);
    sync(&technician)?;
    sync(&supervisor)?;

    let staff = rows(
        &fx.demo,
        &format!(
            "SELECT p.id, p.id_number FROM people p JOIN employments e ON e.person_id = p.id \
             WHERE e.agency_id = '{agency}'"
        ),
    )?;
    ensure!(staff.len() >= 2, "the agency has staff: {staff:?}");
    let bytes = file_bytes(&technician);
    for (id, number) in &staff {
        ensure!(
            !bytes.windows(number.len()).any(|w| w == number.as_bytes()),
            "{id}'s number is in the technician's file"
        );
    }
    let held = rows(&supervisor, "SELECT id, id_number FROM people")?;
    ensure!(staff.iter().all(|p| held.contains(p)), "the supervisor's laptop keeps the full numbers");
    let keyed = rows(&technician, "SELECT id_number, id_masked FROM people")?;
    ensure!(keyed.len() >= staff.len(), "the technician's laptop holds the agency's staff");
    ensure!(
        keyed.iter().all(|(k, m)| k.len() == 64 && k.bytes().all(|b| b.is_ascii_hexdigit()) && m.contains("********")),
        "a keyed hash beside each masked number: {:?}",
        &keyed[..keyed.len().min(3)]
    );

    // The staff, shown masked, and the agency's R1 verdict are the same on both laptops.
    let today = safeserve_e2e::today();
    let id: AgencyId = agency.parse()?;
    let (on_t, on_s) =
        (Store::open(&technician)?.agency_detail(id, today)?, Store::open(&supervisor)?.agency_detail(id, today)?);
    let masked = |d: &safeserve_store::views::AgencyDetail| {
        let mut m: Vec<(String, String)> =
            d.staff.iter().map(|p| (p.id.to_string(), p.id_number_masked.clone())).collect();
        m.sort();
        m
    };
    ensure!(masked(&on_t) == masked(&on_s), "the same masked numbers: {:?} vs {:?}", masked(&on_t), masked(&on_s));
    for (id, number) in &staff {
        ensure!(masked(&on_t).contains(&(id.clone(), mask_id_number(number))), "{id} shown as its number masked");
    }
    ensure!(on_t.unmet == on_s.unmet, "R1 is judged alike: {:?} vs {:?}", on_t.unmet, on_s.unmet);
    Ok(())
}
