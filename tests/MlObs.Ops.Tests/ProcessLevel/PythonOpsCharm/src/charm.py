#!/usr/bin/env python3
"""A minimal ops charm; nothing here knows about the MlObs emulator."""
import logging

import ops

logger = logging.getLogger(__name__)


class PyDemoCharm(ops.CharmBase):
    _stored = ops.StoredState()

    def __init__(self, framework):
        super().__init__(framework)
        self._stored.set_default(db_endpoint=None)
        framework.observe(self.on.install, self._on_install)
        framework.observe(self.on.config_changed, self._reconcile)
        framework.observe(self.on.db_relation_joined, self._reconcile)
        framework.observe(self.on.db_relation_changed, self._on_db_changed)
        framework.observe(self.on.workload_pebble_ready, self._on_pebble_ready)
        framework.observe(self.on.greet_action, self._on_greet)
        framework.observe(self.on.data_storage_attached, self._on_storage_attached)
        framework.observe(self.on.collect_unit_status, self._on_collect_status)

    def _on_install(self, event):
        logger.info("installing py-demo")
        self.unit.set_workload_version("1.0.0")
        if self.unit.is_leader():
            self.app.add_secret({"token": "s3cr3t-token"}, label="api-token")
        self.unit.open_port("tcp", 8080)

    def _reconcile(self, event):
        port = self.config["port"]
        relation = self.model.get_relation("db")
        if relation is not None and self.unit.is_leader():
            relation.data[self.app]["port"] = str(port)
        relation_unit = relation.data[self.unit] if relation is not None else None
        if relation_unit is not None:
            relation_unit["ready"] = "true"

    def _on_db_changed(self, event):
        endpoint = event.relation.data[event.app].get("endpoint")
        if endpoint:
            self._stored.db_endpoint = endpoint
            logger.info("database endpoint is %s", endpoint)

    def _on_pebble_ready(self, event):
        layer = {
            "summary": "py-demo",
            "services": {
                "web": {
                    "override": "replace",
                    "command": f"/bin/web --port {self.config['port']}",
                    "startup": "enabled",
                }
            },
        }
        event.workload.add_layer("py-demo", layer, combine=True)
        event.workload.replan()
        event.workload.push("/etc/web/web.conf", f"port={self.config['port']}\n", make_dirs=True)

    def _on_storage_attached(self, event):
        logger.info("storage %s attached at %s", event.storage.full_id, event.storage.location)

    def _on_greet(self, event):
        event.log("greeting")
        event.set_results({"greeting": f"Hello, {event.params['name']}!"})

    def _on_collect_status(self, event):
        if self._stored.db_endpoint:
            event.add_status(ops.ActiveStatus(f"database {self._stored.db_endpoint}"))
        else:
            event.add_status(ops.WaitingStatus("waiting for the database"))


if __name__ == "__main__":
    ops.main(PyDemoCharm)
