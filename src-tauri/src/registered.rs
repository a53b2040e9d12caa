//! The commands the app registers, read from the text of `src/lib.rs`: the last path segment of
//! each entry of `generate_handler![…]`. Shared by the build script (the app manifest that puts
//! the commands under Tauri's permission system) and the command-surface tests, so both read
//! the one list the app really registers.

pub fn registered(lib: &str) -> Vec<String> {
    let Some(start) = lib.find("generate_handler![").map(|i| i + "generate_handler![".len()) else {
        return Vec::new();
    };
    let end = lib[start..].find(']').map_or(start, |e| start + e);
    lib[start..end]
        .split(',')
        .filter_map(|p| p.trim().rsplit("::").next())
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect()
}
