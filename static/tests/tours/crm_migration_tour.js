import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/**
 * The admin's whole path, in tours the test runs one after another while it plays
 * the scheduler between them (each background step runs between two tours).
 * Selectors never use English words, so the same tours run in every language.
 * `shot(name)` asks the test for a screenshot of the page and for its visible texts
 * (the test fails on English strings left on a page in another language).
 */
const SIGNAL = "crm_migration:page";

function shot(name, trigger = ".o_action_manager") {
    return {
        trigger,
        async run() {
            await new Promise((resolve) => setTimeout(resolve, 400));
            const texts = [...document.querySelectorAll(".o_action_manager, .modal")]
                .map((element) => element.innerText)
                .join("\n");
            console.log(`${SIGNAL} ${JSON.stringify({ name, texts })}`);
            await new Promise((resolve) => setTimeout(resolve, 400));
        },
    };
}

const RUN_FORM = ".o_form_view .o_form_statusbar";
const JOB_RUNNING = '.o_form_view .alert-info div[name="job"]';

function click(trigger) {
    return { trigger, run: "click" };
}

/** Confirm the dialog a button with `confirm=` opens. */
function confirmDialog() {
    return click(".modal-footer .btn-primary");
}

function add(name, steps) {
    registry.category("web_tour.tours").add(name, { steps: () => steps() });
}

add("crm_migration_connect", () => {
    let goodKey;
    return [
        ...stepUtils.goToAppSteps("crm_migration.menu_crm_migration_root"),
        click('a[data-menu-xmlid="crm_migration.menu_crm_migration_setup"]'),
        { trigger: '.modal div[name="name"] input', run: "edit Tour account" },
        {
            trigger: '.modal div[name="api_key"] input',
            run(helpers) {
                goodKey = this.anchor.value;
                helpers.edit("not-the-key-0000");
            },
        },
        shot("connect", '.modal button[name="action_connect"]'),
        click('.modal button[name="action_connect"]'),
        shot("bad_key", ".o_error_dialog"),
        click(".o_error_dialog .o-default-button"),
        {
            trigger: '.modal div[name="api_key"] input',
            run(helpers) {
                helpers.edit(goodKey);
            },
        },
        click('.modal button[name="action_connect"]'),
        { trigger: '.o_form_view div[name="name"]:contains("MIG/")' },
        shot("run_draft", '.o_form_view .alert-secondary div[name="guidance"]'),
        click('.o_form_view button[name="action_profile"]'),
        { trigger: JOB_RUNNING },
    ];
});

const LIVE = "crm_migration:live";
const PROGRESS_TEXT = '.o_form_view .alert-info div[name="progress_text"] span';

add("crm_migration_progress", () => [
    shot("profiling", PROGRESS_TEXT),
    {
        // The test runs a batch on the server when it reads LIVE: the open page must show
        // the new figures through the bus, with no reload (a reload would drop the mark).
        trigger: PROGRESS_TEXT,
        run() {
            const before = document.querySelector(PROGRESS_TEXT).innerText;
            const watch = setInterval(() => {
                const now = document.querySelector(PROGRESS_TEXT);
                if (now && now.innerText !== before) {
                    clearInterval(watch);
                    document.body.classList.add("o_crm_migration_progress_moved");
                }
            }, 100);
            console.log(`${LIVE} ${before}`);
        },
    },
    { trigger: "body.o_crm_migration_progress_moved " + PROGRESS_TEXT, timeout: 60000 },
]);

add("crm_migration_map", () => [
    { trigger: '.o_form_view div[name="map_to_review_count"]' },
    shot("profiled", RUN_FORM),
    click('.o_form_view button[name="action_view_map"]'),
    shot("map", '.o_form_view div[name="line_ids"] .o_data_row'),
    click(".o_breadcrumb .o_back_button a, .o_breadcrumb .breadcrumb-item a"),
    click('.o_form_view button[name="action_confirm_map"]'),
    shot("confirm_map", ".modal-footer .btn-primary"),
    confirmDialog(),
    click('.o_form_view button[name="action_validate"]'),
    { trigger: JOB_RUNNING },
]);

add("crm_migration_sample", () => [
    shot("validated", '.o_form_view button[name="action_sample"]'),
    click('.o_form_view button[name="action_sample"]'),
    { trigger: JOB_RUNNING },
]);

add("crm_migration_full", () => [
    shot("sampled", '.o_form_view div[name="load_phase_ids"] .o_data_row'),
    click('.o_form_view button[name="action_start"]'),
    confirmDialog(),
    { trigger: JOB_RUNNING },
]);

add("crm_migration_done", () => [
    shot("done", '.o_form_view div[name="load_phase_ids"] .o_data_row'),
    click('.o_form_view div[name="load_phase_ids"] .o_data_row button[name="action_open_issues"]'),
    shot("issues", ".o_list_view .o_group_header, .o_list_view .o_data_row"),
    click(".o_breadcrumb .o_back_button a, .o_breadcrumb .breadcrumb-item a"),
    click('.o_form_view div[name="load_phase_ids"] .o_data_row button[name="action_open_records"]'),
    { trigger: ".o_list_view .o_data_row" },
]);

add("crm_migration_provenance", () => [
    { trigger: ".o_form_view .o_crm_migration_provenance a" },
    click(".o_control_panel .o_cp_action_menus button"),
    click(".o-dropdown-item:contains(Migrated from), .o-dropdown-item:contains(Migrado de)"),
    shot("provenance", ".o_data_row"),
]);

add("crm_migration_rollback", () => [
    click('.o_form_view button[name="action_preview_rollback"]'),
    shot("rollback_confirm", '.modal-footer button[name="action_rollback"]'),
    confirmDialog(),
    { trigger: JOB_RUNNING },
]);

add("crm_migration_start_over", () => [
    click('.o_notebook a[name="rollback"]'),
    shot("rolled_back", '.o_form_view div[name="rollback_phase_ids"] .o_data_row'),
    click('.o_form_view button[name="action_new_run"]'),
    { trigger: '.o_form_view button[name="action_profile"]' },
    shot("new_run", RUN_FORM),
    ...stepUtils.goToAppSteps("crm_migration.menu_crm_migration_root"),
    shot("dashboard", ".o_kanban_view .o_kanban_record"),
]);
