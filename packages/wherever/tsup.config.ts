import { vendorTsup } from '../../tools/tsup.vendor.js';

export default vendorTsup();
