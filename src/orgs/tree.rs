//! Turning the rows of a subtree into the depth-first list of nodes the tree template draws.

use std::collections::HashMap;

use super::model::OrgStatus;
use super::queries::TreeRow;
use super::views::TreeNode;

/// Draws `rows` (a subtree, any order) from the nodes whose parent is not among them, expanding the
/// first `open_levels` levels. Siblings are ordered by code, which unions choose to sort well.
pub fn build(rows: Vec<TreeRow>, open_levels: i32) -> Vec<TreeNode> {
    let ids: std::collections::HashSet<i64> = rows.iter().map(|row| row.id).collect();
    let mut children: HashMap<Option<i64>, Vec<TreeRow>> = HashMap::new();
    let mut roots = Vec::new();
    for row in rows {
        match row.parent_id.filter(|parent| ids.contains(parent)) {
            Some(parent) => children.entry(Some(parent)).or_default().push(row),
            None => roots.push(row),
        }
    }
    for siblings in children.values_mut() {
        siblings.sort_by(|a, b| a.code.cmp(&b.code));
    }
    roots.sort_by(|a, b| a.code.cmp(&b.code));

    let mut nodes = Vec::new();
    for root in roots {
        emit(root, 0, open_levels, &mut children, &mut nodes);
    }
    nodes
}

fn emit(
    row: TreeRow,
    level: i32,
    open_levels: i32,
    children: &mut HashMap<Option<i64>, Vec<TreeRow>>,
    nodes: &mut Vec<TreeNode>,
) {
    let kids = children.remove(&Some(row.id)).unwrap_or_default();
    let is_branch = !kids.is_empty();
    nodes.push(TreeNode {
        id: row.id,
        name: row.name,
        code: row.code,
        kind: row.kind,
        closed: row.status == OrgStatus::Closed,
        child_count: row.child_count,
        account_count: row.account_count,
        member_count: row.member_count,
        is_branch,
        open: level < open_levels,
        more_below: !is_branch && row.child_count > 0,
        closes: 0,
    });
    if is_branch {
        for kid in kids {
            emit(kid, level + 1, open_levels, children, nodes);
        }
        if let Some(last) = nodes.last_mut() {
            last.closes += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, parent: Option<i64>, code: &str, child_count: i64) -> TreeRow {
        TreeRow {
            id,
            parent_id: parent,
            depth: 0,
            kind: "grassroots_union".into(),
            name: code.into(),
            code: code.into(),
            status: OrgStatus::Active,
            child_count,
            account_count: 0,
            member_count: 0,
        }
    }

    #[test]
    fn nested_lists_open_and_close_in_depth_first_order() {
        // 1 ─┬─ 2 ── 4
        //    └─ 3
        let nodes = build(
            vec![
                row(1, None, "A", 2),
                row(3, Some(1), "C", 0),
                row(2, Some(1), "B", 1),
                row(4, Some(2), "B1", 0),
            ],
            1,
        );
        let order: Vec<_> = nodes
            .iter()
            .map(|n| (n.code.as_str(), n.is_branch, n.closes))
            .collect();
        assert_eq!(
            order,
            vec![
                ("A", true, 0),
                ("B", true, 0),
                ("B1", false, 1),
                ("C", false, 1)
            ]
        );
        assert!(
            nodes[0].open && !nodes[1].open,
            "only the first level is expanded"
        );
    }

    #[test]
    fn a_node_with_undrawn_children_links_to_more() {
        let nodes = build(vec![row(7, Some(1), "X", 3)], 1);
        assert!(nodes[0].more_below && !nodes[0].is_branch);
    }
}
