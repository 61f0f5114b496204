import { describeEachStore } from '../test/stores.js';
import { storeContract } from './contract/store.contract.js';

// PostgreSQL and embedded always; MongoDB (with and without transactions) when MONGO_URL is set.
describeEachStore('Store contract', (store, kind) => storeContract(store, kind.id), { variants: true });
