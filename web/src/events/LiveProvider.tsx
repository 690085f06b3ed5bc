import { useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useEffect, useState } from "react";
import { setNetworkErrorHandler } from "../api/client";
import { LiveContext } from "./hooks";
import { LiveStore } from "./store";

/** Opens the app's one event stream for the logged-in part of the app. */
export function LiveProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const [store] = useState(
    () =>
      new LiveStore(
        () => {
          // A scan ended: lists, figures and items changed.
          void client.invalidateQueries({ queryKey: ["scans"] });
          void client.invalidateQueries({ queryKey: ["scan"] });
          void client.invalidateQueries({ queryKey: ["stats"] });
          void client.invalidateQueries({ queryKey: ["items"] });
          void client.invalidateQueries({ queryKey: ["settings"] });
        },
        // The server is back: whatever is on screen may have changed meanwhile, and failed
        // queries get their data.
        () => void client.invalidateQueries(),
      ),
  );
  useEffect(() => {
    store.start();
    setNetworkErrorHandler(() => store.suspectOffline());
    return () => {
      setNetworkErrorHandler(null);
      store.stop();
    };
  }, [store]);
  return <LiveContext value={store}>{children}</LiveContext>;
}
