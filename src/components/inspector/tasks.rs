//! The inspector's task table: every task reachable by scrolling, only the rows in view made.

use std::rc::Rc;

use replay::{ExecState, TaskPhase, TaskView};
use web_sys::Element;
use yew::prelude::*;

use crate::i18n::Lang;

/// A row's height in CSS pixels: fixed (`.task-rows tr` in style.css), so that the rows in view
/// follow from the scroll offset alone.
const ROW_PX: usize = 22;
/// Rows made in view before the reader scrolls (the box shows about this many).
const VIEW_ROWS: usize = 14;
/// Rows made beyond each edge of the view, so that a small scroll shows made rows at once.
const OVERSCAN: usize = 3;
/// Beyond this many tasks, tasks still going come first, so that a big run shows what is live.
const LIVE_FIRST_OVER: usize = 100;

#[derive(Properties, PartialEq)]
pub struct TaskTableProps {
    pub state: Rc<ExecState>,
    pub lang: Lang,
}

fn phase_class(phase: &TaskPhase) -> &'static str {
    match phase {
        TaskPhase::Scheduled => "scheduled",
        TaskPhase::Running => "running",
        TaskPhase::Waiting(_) => "waiting",
        TaskPhase::Stuck => "stuck",
        TaskPhase::Done => "done",
        TaskPhase::Failed(_) => "failed",
        TaskPhase::Cancelled => "cancelled",
    }
}

/// The rows `from..from + len` of the table's order: spawn order, or, past
/// [`LIVE_FIRST_OVER`] tasks, the ones still going first. Looks at no task past the last row.
fn rows_in(s: &ExecState, from: usize, len: usize) -> Vec<&TaskView> {
    if s.tasks.len() > LIVE_FIRST_OVER {
        let live = s.tasks.iter().filter(|t| !t.phase.ended());
        let ended = s.tasks.iter().filter(|t| t.phase.ended());
        live.chain(ended).skip(from).take(len).collect()
    } else {
        s.tasks.iter().skip(from).take(len).collect()
    }
}

/// The span of rows in view, `(first, count)`, from the scroll box's offset and height.
fn in_view(scroll_top: i32, height: i32) -> (usize, usize) {
    let first = usize::try_from(scroll_top).unwrap_or(0) / ROW_PX;
    let count = usize::try_from(height).unwrap_or(0).div_ceil(ROW_PX).max(1);
    (first, count)
}

/// A spacer standing for `rows` rows not made; nothing when there are none.
fn spacer(rows: usize, columns: usize) -> Html {
    if rows == 0 {
        return Html::default();
    }
    html! {
        <tr class="spacer" aria-hidden="true" style={format!("height:{}px", rows * ROW_PX)}>
            <td colspan={columns.to_string()}></td>
        </tr>
    }
}

/// The task table in a scroll box. A run of 50 000 tasks makes about 20 rows per render; the
/// box's scroll offset picks which (`aria-rowcount` and `aria-rowindex` tell assistive
/// technology where they sit).
#[component]
pub fn TaskTable(props: &TaskTableProps) -> Html {
    let s = &props.state;
    let t = props.lang.t();
    let view = use_state_eq(|| (0usize, VIEW_ROWS));
    let onscroll = {
        let view = view.clone();
        Callback::from(move |e: Event| {
            let el: Element = e.target_unchecked_into();
            view.set(in_view(el.scroll_top(), el.client_height()));
        })
    };
    let marks = s.any_marked();
    let columns = if marks { 5 } else { 4 };
    let total = s.tasks.len();
    let (first, count) = *view;
    let from = first.saturating_sub(OVERSCAN).min(total);
    let rows = rows_in(s, from, count + 2 * OVERSCAN);
    let after = total - from - rows.len();
    html! {
        <div class="task-rows" role="region" tabindex="0" aria-label={t.tasks} {onscroll}>
            <table class="tasks" aria-rowcount={(total + 1).to_string()}>
                <caption>{ props.lang.tasks_caption(total) }</caption>
                <thead><tr aria-rowindex="1">
                    <th scope="col">{ t.task }</th>
                    <th scope="col">{ t.state }</th>
                    if marks { <th scope="col">{ t.marked }</th> }
                    <th scope="col" class="num" title={t.wakers_kept_hint}>{ t.wakers_kept }</th>
                    <th scope="col" class="num">{ t.polls }</th>
                </tr></thead>
                <tbody>
                    { spacer(from, columns) }
                    { for rows.iter().enumerate().map(|(k, task)| html! {
                        <tr class={classes!("task", phase_class(&task.phase))}
                            data-task={task.id.to_string()} aria-rowindex={(from + k + 2).to_string()}>
                            <th scope="row">{ task.label() }</th>
                            <td class="phase">{ props.lang.task_phase(&task.phase) }</td>
                            if marks { <td class="mark">{ task.state.clone().unwrap_or_default() }</td> }
                            <td class="wakers num">{ task.wakers.map(|n| n.to_string()).unwrap_or_default() }</td>
                            <td class="polls num">{ task.polls }</td>
                        </tr>
                    }) }
                    { spacer(after, columns) }
                </tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rows_in_view_follow_the_scroll_offset() {
        assert_eq!(in_view(0, 308), (0, 14));
        assert_eq!(in_view(ROW_PX as i32 * 10 + 5, 300), (10, 14));
        // A box not laid out yet (height 0) still makes a row.
        assert_eq!(in_view(-4, 0), (0, 1));
    }
}
