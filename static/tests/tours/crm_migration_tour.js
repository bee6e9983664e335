import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/** An admin connects a source from the CRM app and starts profiling it. */
registry.category("web_tour.tours").add("crm_migration_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("crm.crm_menu_root"),
        {
            trigger: 'button[data-menu-xmlid="crm_migration.menu_crm_migration_root"]',
            run: "click",
        },
        {
            trigger: 'a[data-menu-xmlid="crm_migration.menu_crm_migration_setup"]',
            run: "click",
        },
        {
            trigger: '.modal div[name="name"] input',
            run: "edit Tour account",
        },
        {
            trigger: '.modal button[name="action_connect"]',
            run: "click",
        },
        {
            trigger: '.o_form_view div[name="name"]:contains("MIG/")',
        },
        {
            trigger: '.o_form_view .alert:contains("Next: profile the source")',
        },
        {
            trigger: '.o_form_view button[name="action_profile"]',
            run: "click",
        },
        {
            trigger: '.o_form_view .alert-info div[name="job"]:contains("Extracting")',
        },
    ],
});
