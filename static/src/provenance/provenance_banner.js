import { Component, onWillStart, onWillUpdateProps, useState } from "@odoo/owl";
import { FormController } from "@web/views/form/form_controller";
import { useService } from "@web/core/utils/hooks";
import { user } from "@web/core/user";
import { patch } from "@web/core/utils/patch";

/**
 * "Migrated from <source> · <object> <id> · <run>" above the form of any record a
 * migration made, read from the identity map (nothing is stored on the record).
 */
export class ProvenanceBanner extends Component {
    static template = "crm_migration.ProvenanceBanner";
    static props = { resModel: String, resId: { type: [Number, { value: false }], optional: true } };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ lines: [] });
        onWillStart(() => this.load(this.props));
        onWillUpdateProps((next) => {
            if (next.resId !== this.props.resId || next.resModel !== this.props.resModel) {
                return this.load(next);
            }
        });
    }

    async load({ resModel, resId }) {
        const reads = resId && !resModel.startsWith("crm.migration.")
            && (await user.hasGroup("crm_migration.group_crm_migration_user"));
        this.state.lines = reads
            ? await this.orm.call("crm.migration.identity", "provenance_of", [resModel, resId])
            : [];
    }

    openRun(line) {
        this.action.doAction({
            type: "ir.actions.act_window", res_model: "crm.migration.run", res_id: line.run_id,
            views: [[false, "form"]],
        });
    }
}

patch(FormController, { components: { ...FormController.components, ProvenanceBanner } });
