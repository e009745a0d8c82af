//! The README's Install section is one a user can paste (issue 19): no
//! placeholder where the dependency goes, the versions it recommends for
//! the feature dependencies are the ones this crate builds against, and
//! nalgebra is taken without its default features, as this crate takes it.

fn section<'a>(text: &'a str, heading: &str) -> &'a str {
    let start = text.find(heading).unwrap_or_else(|| panic!("no {heading:?}"));
    let rest = &text[start + heading.len()..];
    &rest[..rest.find("\n## ").unwrap_or(rest.len())]
}

/// The version requirement of `name` in a TOML dependency table.
fn version_of(toml: &str, name: &str) -> String {
    let line = toml
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{name} =")))
        .unwrap_or_else(|| panic!("{name} not listed"));
    let v = if let Some(i) = line.find("version = \"") {
        &line[i + 11..]
    } else {
        &line[line.find('"').expect("a version") + 1..]
    };
    v[..v.find('"').unwrap()].to_string()
}

#[test]
fn install_section_matches_cargo_toml() {
    let readme = include_str!("../README.md");
    let cargo = include_str!("../Cargo.toml");
    let install = section(readme, "## Install");
    assert!(!install.contains("<this repository>"), "placeholder left in Install");
    assert!(install.contains("dualnum = { path = "), "no path dependency");
    assert!(install.contains("dualnum = { git = "), "no git dependency");
    let deps = section(cargo, "[dependencies]");
    for name in ["nalgebra", "nalgebra-sparse", "argmin", "serde", "num-traits"] {
        let ours = version_of(deps, name);
        let theirs = version_of(install, name);
        assert!(
            ours.starts_with(&theirs) || theirs.starts_with(&ours),
            "{name}: README says {theirs}, Cargo.toml {ours}"
        );
    }
    let nalgebra = install.lines().find(|l| l.starts_with("nalgebra =")).unwrap();
    assert!(nalgebra.contains("default-features = false"), "{nalgebra}");
    for feature in ["sparse", "serde", "argmin", "rayon", "libm"] {
        assert!(cargo.contains(&format!("\n{feature} = [")), "{feature} is not a feature");
        assert!(install.contains(&format!("`{feature}`")), "{feature} not described");
    }
}
