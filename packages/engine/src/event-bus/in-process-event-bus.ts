import { LocalChannel } from './channel.ts';
import { ChannelEventBus } from './event-bus.ts';

/** The embedded default: delivers events to the listeners of this process only. */
export class InProcessEventBus extends ChannelEventBus {
  constructor(onListenerError: (error: unknown) => void = () => {}) {
    super(new LocalChannel(onListenerError), onListenerError);
  }
}
