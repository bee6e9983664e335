import { registry } from "@web/core/registry";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";
import { Component, onMounted, onWillUnmount } from "@odoo/owl";

/**
 * Live progress of a migration run: while a step runs in the background,
 * reload the record every few seconds (unless the user is editing it).
 */
export class RunAutoRefresh extends Component {
    static template = "crm_migration.RunAutoRefresh";
    static props = { ...standardWidgetProps, interval: { type: Number, optional: true } };
    static defaultProps = { interval: 2000 };

    setup() {
        onMounted(() => {
            this.timer = setInterval(() => this.refresh(), this.props.interval);
        });
        onWillUnmount(() => clearInterval(this.timer));
    }

    async refresh() {
        const record = this.props.record;
        if (record.data.job && !record.dirty) {
            await record.load();
        }
    }
}

registry.category("view_widgets").add("crm_migration_autorefresh", {
    component: RunAutoRefresh,
});
