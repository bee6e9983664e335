import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";
import { Component, onMounted, onWillUnmount } from "@odoo/owl";

/** Bus notification the server sends after every batch of a run (crm.migration.run). */
export const PROGRESS_NOTIFICATION = "crm_migration.run_progress";

/**
 * Live progress of a migration run: when the server reports a batch of this run
 * over Odoo's bus, reload the record (unless the user is editing it).
 */
export class RunAutoRefresh extends Component {
    static template = "crm_migration.RunAutoRefresh";
    static props = { ...standardWidgetProps };

    setup() {
        this.busService = useService("bus_service");
        this.onProgress = (payload) => this.refresh(payload);
        onMounted(() => {
            this.busService.subscribe(PROGRESS_NOTIFICATION, this.onProgress);
            this.busService.start();
        });
        onWillUnmount(() => this.busService.unsubscribe(PROGRESS_NOTIFICATION, this.onProgress));
    }

    async refresh({ run_id }) {
        const record = this.props.record;
        if (run_id === record.resId && !record.dirty) {
            await record.load();
        }
    }
}

registry.category("view_widgets").add("crm_migration_autorefresh", {
    component: RunAutoRefresh,
});
